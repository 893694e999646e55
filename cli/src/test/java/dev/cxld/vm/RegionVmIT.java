package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.list.NdctlOutput;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Region lifecycle through cxlctl on a real kernel (ram3): a 2-way interleaved and a single-target
 * region created (ndctl lists the same regions), a create the kernel refuses part way rolled back
 * without leftovers, destroy and disable refused while the region is handed off, destroy of an
 * enabled region refused without -f, destroy, and attach-region --create. See test/vm/guest/region.sh.
 */
class RegionVmIT {
    @TempDir Path out;

    @Test
    void regionsAreMadeAndUnmadeThroughCxlctl() throws Exception {
        GuestVm.Result r = GuestVm.run("ram3", 600, out, "test/vm/guest/region.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String log = read("cxld.log");
        String[] memdevs = read("memdevs.txt").strip().split(" ");

        assertThat(rc("create-interleaved")).as(read("create-interleaved.err") + log).isZero();
        JsonNode interleaved = json("create-interleaved.out");
        assertThat(interleaved.get("interleave_ways").asInt()).isEqualTo(2);
        assertThat(interleaved.get("size").asLong()).isEqualTo(512L << 20);
        // create-region prints the region as `cxl list -R -T` does, as ndctl's does
        assertThat(interleaved.get("decode_state").asText()).isEqualTo("commit");
        assertThat(interleaved.has("state")).as("enabled: no \"state\":\"disabled\"").isFalse();
        assertThat(interleaved.at("/mappings/0/memdev").asText()).isEqualTo(memdevs[0]);
        assertThat(interleaved.at("/mappings/1/memdev").asText()).isEqualTo(memdevs[1]);
        assertThat(rc("create-single")).as(read("create-single.err")).isZero();
        String single = json("create-single.out").get("region").asText();

        // ndctl sees the regions cxlctl made, as cxlctl lists them
        JsonNode ndctl = NdctlOutput.sorted(NdctlOutput.without(NdctlOutput.parse(read("ndctl-regions.json")), NdctlOutput.NEWER_THAN_76));
        JsonNode ours = NdctlOutput.sorted(NdctlOutput.without(NdctlOutput.parse(read("list-regions.out")), NdctlOutput.NEWER_THAN_76));
        assertThat(ours).isEqualTo(ndctl);
        assertThat(ndctl.size()).isEqualTo(2);

        // ndctl's verbs exit 1 on any failure, as cxl does; the message says which step and why
        assertThat(rc("create-too-big")).isEqualTo(1);
        assertThat(read("create-too-big.err")).startsWith("cxl region: create_region: ").contains("dpa_size")
                .contains("(ENOSPC)").contains("was undone").endsWith("cxl region: cmd_create_region: created 0 regions\n");
        assertThat(read("regions-after-failure.txt").strip().split("\n")).hasSize(2);

        assertThat(rc("attach")).isZero();
        assertThat(rc("destroy-held")).isEqualTo(1);
        assertThat(read("destroy-held.err")).contains("would invalidate the handoff of " + single)
                .contains("cxl region: cmd_destroy_region: destroyed 0 regions");
        assertThat(rc("disable-held")).isEqualTo(1);
        assertThat(rc("detach")).isZero();
        assertThat(rc("destroy-enabled")).isEqualTo(1);
        assertThat(read("destroy-enabled.err")).contains("is enabled");
        assertThat(rc("destroy")).as(read("destroy.err")).isZero();
        assertThat(read("regions-after-destroy.txt").strip().split("\n")).hasSize(1);

        assertThat(rc("attach-create")).as(read("attach-create.err") + log).isZero();
        JsonNode h = json("attach-create.out");
        String[] sysfs = read("attach-create-sysfs.txt").strip().split(" ");
        assertThat(h.get("memdev").asText()).isEqualTo(memdevs[2]);
        assertThat(h.get("resource").asLong()).isEqualTo(Long.decode(sysfs[0]));
        assertThat(h.get("size").asLong()).isEqualTo(Long.decode(sysfs[1]));
        assertThat(h.get("size").asLong()).as("all of the memdev's free capacity").isEqualTo(512L << 20);
    }

    String read(String name) throws Exception {
        return Files.readString(out.resolve(name));
    }

    int rc(String step) throws Exception {
        return Integer.parseInt(read(step + ".rc").strip());
    }

    JsonNode json(String name) throws Exception {
        return Json.mapper().readTree(read(name));
    }
}
