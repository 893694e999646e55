package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person at a terminal reads: the tree, list --table and status --table, over a captured tree. */
class HumanViewsTest {
    @TempDir Path tmp;
    FixtureDaemon d;

    void start(String fixture) throws Exception {
        d = new FixtureDaemon(tmp, fixture);
    }

    @AfterEach
    void stop() throws Exception {
        if (d != null) {
            d.close();
        }
    }

    String cxlctl(String... args) {
        return d.cxlctl(args);
    }

    @Test
    void theTreeShowsRootsBridgesEndpointsMemdevsAndRegions() throws Exception {
        start("ram3-committed");
        assertThat(cxlctl("tree", "--ascii", "--no-health")).isEqualTo(String.join("\n",
                "root0  ACPI.CXL",
                "|-- port1  host bridge pci0000:0c, 3 downstream ports",
                "|   |-- endpoint2  mem0  512.00 MiB ram, serial 0x102, 0000:0f:00.0",
                "|   |-- endpoint3  mem1  512.00 MiB ram, serial 0x101, 0000:0e:00.0",
                "|   `-- endpoint4  mem2  512.00 MiB ram, serial 0x100, 0000:0d:00.0",
                "|-- region0  ram, 512.00 MiB, at 0x490000000, 2-way, commit: mem0 mem1",
                "`-- region1  ram, 256.00 MiB, at 0x4b0000000, 1-way, commit: mem2", ""));
    }

    @Test
    void theTreeGoesThroughSwitchesAndMarksHandoffs() throws Exception {
        start("switch2-committed");
        String tree = cxlctl("tree", "--ascii", "--no-health");
        assertThat(tree).contains("host bridge", "switch", "endpoint", "mem0", "mem1");
        // a handoff as status reports it, marked on its region and its memdev
        com.fasterxml.jackson.databind.JsonNode status = dev.cxld.protocol.Json.mapper().readTree(
                "{\"handoffs\":{\"active\":[{\"memdev\":\"mem0\",\"region\":\"region0\",\"holder\":{\"uid\":0,"
                        + "\"user\":\"root\",\"pid\":42,\"comm\":\"runtime\",\"owner\":\"accel0\"}}]}}");
        Map<String, String> marks = TreeCommand.handoffs(status);
        StringWriter out = new StringWriter();
        com.fasterxml.jackson.databind.JsonNode listing = dev.cxld.protocol.Json.mapper().readTree(cxlctl("list", "-BPEMRT"));
        new TreeCommand.Drawing(marks, false, new PrintWriter(out)).draw(listing);
        assertThat(out.toString()).containsPattern("region0 .* \\* handed off to \"accel0\" root \\(uid 0, pid 42 runtime\\)")
                .containsPattern("mem0 .* \\* handed off to .*\\(region0\\)");
    }

    @Test
    void tablesForListAndStatus() throws Exception {
        start("ram3-committed");
        assertThat(cxlctl("list", "-M", "-R", "--table")).startsWith(
                "MEMDEV  RAM_SIZE    SERIAL  HOST          FIRMWARE_VERSION\n"
                        + "mem0    512.00 MiB  0x102   0000:0f:00.0  BWFW VERSION 00\n")
                .contains("\nREGION   RESOURCE     SIZE        TYPE  INTERLEAVE_WAYS")
                .contains("\nregion1  0x4b0000000  256.00 MiB  ram   1 ");
        assertThat(cxlctl("status", "--table")).contains("memdevs        3 (3 enabled)\n",
                "ram capacity   1.50 GiB total, 768.00 MiB in regions, 768.00 MiB free\n", "handoffs       0 active, 0 revoked\n");
        assertThat(cxlctl("list", "-m", "mem9", "--table")).isEqualTo("(nothing matched)\n");
    }
}
