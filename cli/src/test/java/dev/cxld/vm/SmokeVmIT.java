package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cxld.protocol.ProjectVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole chain in one guest: cxld runs under the guest kernel, which shows memdevs ndctl lists. */
class SmokeVmIT {
    @Test
    void cxldRunsAndNdctlListsTheMemdevs() throws Exception {
        GuestVm.Result r = GuestVm.run("ram3", 120, null, "test/vm/guest/smoke.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String out = r.stdout();

        String version = section(out, "cxld --version").trim();
        assertThat(version).isEqualTo("cxld " + ProjectVersion.get());

        List<String> devices = List.of(section(out, "/sys/bus/cxl/devices").trim().split("\\s+"));
        assertThat(devices).contains("mem0", "mem1", "mem2", "root0", "port1", "decoder0.0", "nvdimm-bridge0");

        JsonNode list = new ObjectMapper().readTree(section(out, "cxl list -M"));
        List<String> memdevs = new ArrayList<>();
        List<Long> serials = new ArrayList<>();
        for (JsonNode m : list) {
            memdevs.add(m.get("memdev").asText());
            serials.add(m.get("serial").asLong());
            assertThat(m.get("ram_size").asLong()).isEqualTo(512L << 20);
        }
        assertThat(memdevs).containsExactlyInAnyOrder("mem0", "mem1", "mem2");
        assertThat(serials).containsExactlyInAnyOrder(0x100L, 0x101L, 0x102L);
    }

    private static String section(String out, String title) {
        int start = out.indexOf("== " + title + "\n");
        assertThat(start).as("section %s in %s", title, out).isNotNegative();
        start += title.length() + 4;
        int end = out.indexOf("\n== ", start);
        return end < 0 ? out.substring(start) : out.substring(start, end + 1);
    }
}
