package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leased handoffs on a real kernel (ram1, a committed single-target region made by raw sysfs
 * writes): a connection lease whose cxlctl is killed with SIGKILL is released, and is not anyone
 * else's to detach without --force; a process lease ends when its process is killed; a connection
 * lease does not outlive a cxld killed with SIGKILL (its successor releases it at start); a holder
 * whose region the kernel deletes hears the revocation on its own connection and exits 11, and
 * the kernel kills a mapping of its dax device with SIGBUS at its next touch. See
 * test/vm/guest/lease.sh.
 */
class LeaseVmIT {
    @TempDir Path out;

    @Test
    void leasesEndWithTheirHolders() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 600, out, "test/vm/guest/lease.sh");
        String log = read("cxld.log");
        assertThat(r.exitCode()).as(r + log).isZero();
        String[] names = read("names.txt").strip().split(" ");
        String memdev = names[0];
        String region = names[1];

        // 1. held by a cxlctl's connection; not another's to detach; released when it is killed
        assertThat(read("held.active").strip()).as(read("lease.err") + log).isEqualTo("1");
        JsonNode held = Json.mapper().readTree(read("lease.out"));
        assertThat(held.get("region").asText()).isEqualTo(region);
        assertThat(held.at("/lease/kind").asText()).isEqualTo("connection");
        assertThat(rc("detach-other")).isEqualTo(7);
        assertThat(read("detach-other.err")).contains(region + " (memdev " + memdev + ") is leased to root")
                .contains("detach-region --force");
        assertThat(read("killed.active").strip()).as(log).isEqualTo("0");
        assertThat(log).contains("released " + region + " of " + memdev + " from root")
                .contains("its lease ended: the connection that held it closed");

        // 2. held while a process lives
        assertThat(rc("attach-pid")).as(read("attach-pid.err")).isZero();
        assertThat(Json.mapper().readTree(read("attach-pid.out")).at("/lease/kind").asText()).isEqualTo("process");
        assertThat(read("pid-held.active").strip()).isEqualTo("1");
        assertThat(read("pid-gone.active").strip()).as(log).isEqualTo("0");
        assertThat(log).containsPattern("its lease ended: process \\d+ exited");

        // 3. a connection lease across a cxld killed with SIGKILL
        assertThat(read("held3.active").strip()).isEqualTo("1");
        assertThat(Integer.parseInt(read("lease3.rc").strip())).as(read("lease3.err")).isEqualTo(3);
        assertThat(read("lease3.err")).contains("cxld closed the connection holding the lease of " + memdev);
        assertThat(read("restarted.active").strip()).as(log).isEqualTo("0");
        assertThat(log).contains("the connection that held it closed when the cxld holding it stopped");

        // 4. the kernel deletes the region: the holder hears it on its own connection
        assertThat(read("held4.active").strip()).isEqualTo("1");
        assertThat(Integer.parseInt(read("lease4.rc").strip())).as(read("lease4.err") + log).isEqualTo(11);
        // the kernel resets the region's decoders as it deletes it: cxld may see the region decommitted
        // an instant before it is gone (the delete_region write wakes its attribute watch), and names
        // what it saw; both say the region was taken away (CI saw each)
        assertThat(read("lease4.out")).contains("\"event\":\"handoff-revoked\"")
                .containsPattern("region " + region + " (was deleted|was reset \\(decommitted\\))");
        assertThat(read("lease4.err")).contains("the lease of " + region + " ended: handoff-revoked");
        // and what the kernel did to the holder's mapping: written before, SIGBUS when touched after
        assertThat(read("mapped.txt").strip()).isEqualTo("mapped cxld");
        assertThat(Integer.parseInt(read("mapper.rc").strip())).as("killed by SIGBUS: " + read("mapper.out")
                + read("mapper.err")).isEqualTo(128 + 7);
        assertThat(read("dax-after.txt").strip()).isEqualTo("absent");
        JsonNode status = Json.mapper().readTree(read("status.out"));
        assertThat(status.at("/handoffs/active")).isEmpty();
        assertThat(status.at("/handoffs/revoked").get(0).get("reason").asText())
                .matches("region " + region + " (was deleted|was reset \\(decommitted\\))");
    }

    private String read(String name) throws Exception {
        Path p = out.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "(no " + name + ")";
    }

    private int rc(String step) throws Exception {
        return Integer.parseInt(read(step + ".rc").strip());
    }
}
