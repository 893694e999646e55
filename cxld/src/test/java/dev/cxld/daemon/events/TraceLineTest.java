package dev.cxld.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Event;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceLineTest {
    /** events/trace-cxl.txt: cxl_poison lines of a guest (inject, list, clear on mem0 at DPA 0x1000). */
    static List<String> captured() throws IOException {
        try (InputStream in = TraceLineTest.class.getResourceAsStream("/events/trace-cxl.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void capturedPoisonEventsParseWithTheirFields() throws IOException {
        List<String> lines = captured();
        assertThat(lines).hasSize(3);
        Event e = TraceLine.parse(lines.get(1)).orElseThrow();
        assertThat(e.source()).isEqualTo("trace");
        assertThat(e.event()).isEqualTo("cxl_poison");
        assertThat(e.name()).isEqualTo("mem0");
        JsonNode f = e.data().get("fields");
        assertThat(f.get("trace_type").asText()).isEqualTo("List");
        assertThat(f.get("source").asText()).isEqualTo("Injected");
        assertThat(f.get("dpa").asText()).isEqualTo("0x1000");
        assertThat(f.get("dpa_length").asText()).isEqualTo("0x40");
        assertThat(f.get("serial").isNumber()).isTrue();
        assertThat(f.get("serial").asLong()).isEqualTo(256);
        assertThat(f.get("region").asText()).isEmpty();
        assertThat(e.data().get("task").asText()).isEqualTo("sh");
        assertThat(e.data().get("cpu").asInt()).isZero();
        assertThat(e.data().get("timestamp").asText()).matches("\\d+\\.\\d{6}");
        assertThat(lines.stream().map(l -> TraceLine.parse(l).orElseThrow().data().get("fields").get("trace_type").asText()))
                .containsExactly("Inject", "List", "Clear");
    }

    @Test
    void quotedValuesKeepTheirSpacesAndSeparatorsAreSkipped() {
        // the shape of cxl_general_media's TP_printk: quoted flag lists and " : " between groups
        String line = "  kworker/u8:3-57  [001] d..1.  88.000001: cxl_general_media: memdev=mem1 host=0000:0e:00.0"
                + " serial=257 log=Failure : time=5 uuid=fbcd0a77-c260-417f-85a9-088b1621eba6 len=128"
                + " flags='PERFORMANCE_DEGRADED|HW_REPLACEMENT_NEEDED' handle=1 : dpa=1000 dpa_flags=''"
                + " descriptor='UNCORRECTABLE_EVENT|THRESHOLD_EVENT' type='ECC Error'";
        JsonNode f = TraceLine.parse(line).orElseThrow().data().get("fields");
        assertThat(f.get("flags").asText()).isEqualTo("PERFORMANCE_DEGRADED|HW_REPLACEMENT_NEEDED");
        assertThat(f.get("type").asText()).isEqualTo("ECC Error");
        assertThat(f.get("dpa_flags").asText()).isEmpty();
        assertThat(f.get("log").asText()).isEqualTo("Failure");
        assertThat(f.get("time").asLong()).isEqualTo(5);
        assertThat(f.has(":")).isFalse();
    }

    @Test
    void headersAndNoiseAreNotEvents() {
        assertThat(TraceLine.parse("# tracer: nop")).isEmpty();
        assertThat(TraceLine.parse("")).isEmpty();
        assertThat(TraceLine.parse("CPU:1 [LOST 12 EVENTS]")).isEmpty();
    }

    @Test
    void fieldsPrintedAsBareHexadecimalAreReadAsHexadecimal() throws IOException {
        // 6.12's cxl_dram prints dpa=%llx, handle=%x and hpa=%llx with no 0x: "8000" is 0x8000
        // (events/formats-6.12 is captured from the cxl_test guest, test/vm/guest/capture-trace-formats.sh)
        java.util.Map<String, java.util.Set<String>> hex = java.util.Map.of("cxl_dram",
                dev.cxld.daemon.sysfs.TracefsInstance.hexFields(java.nio.file.Path.of("src/test/resources/events/formats-6.12")
                        .resolve("cxl_dram")));
        String line = "  kworker/u9:1-95  [000] ..... 112.578095: cxl_dram: memdev=mem0 host=cxl_mem.5 serial=5 log=Fatal"
                + " : time=0 uuid=601dcbb3-9c06-4eab-b8af-4e9bfb5c9624 len=128 flags='PERFORMANCE_DEGRADED' handle=10"
                + " related_handle=0 maint_op_class=0 : dpa=8000 dpa_flags='' descriptor='THRESHOLD_EVENT'"
                + " type='Scrub Media ECC Error' transaction_type='Internal Media Scrub' channel=1 rank=0 nibble_mask=0"
                + " bank_group=5 bank=2 row=0 column=44510 cor_mask= validity_flags='CHANNEL|BANK GROUP|BANK|COLUMN'"
                + " hpa=ffffffffffffffff region= region_uuid=00000000-0000-0000-0000-000000000000";
        JsonNode f = TraceLine.parse(line, hex).orElseThrow().data().get("fields");
        assertThat(f.get("dpa").asLong()).isEqualTo(0x8000);
        assertThat(f.get("handle").asLong()).isEqualTo(16);
        assertThat(f.get("hpa").bigIntegerValue()).isEqualTo(new java.math.BigInteger("18446744073709551615"));
        assertThat(f.get("column").asLong()).as("%u stays decimal").isEqualTo(44510);
        assertThat(f.get("serial").asLong()).isEqualTo(5);
        assertThat(TraceLine.parse(line).orElseThrow().data().get("fields").get("dpa").asLong())
                .as("without the format, as before: decimal").isEqualTo(8000);
    }

    @Test
    void aSeparatorGluedToAValueIsNotPartOfIt() {
        // 6.12's cxl_overflow: print fmt "memdev=%s host=%s serial=%lld: log=%s : count=%u ..."
        String line = "  kworker/u9:1-95  [000] ..... 112.578514: cxl_overflow: memdev=mem0 host=cxl_mem.5 serial=5:"
                + " log=Failure : 0 records from 1796244841198869172 to 1796244845198870111";
        JsonNode f = TraceLine.parse(line).orElseThrow().data().get("fields");
        assertThat(f.get("serial").asLong()).isEqualTo(5);
        assertThat(f.get("host").asText()).isEqualTo("cxl_mem.5");
        assertThat(f.get("log").asText()).isEqualTo("Failure");
        assertThat(f.get("count").asLong()).isZero();
        assertThat(f.get("first_ts").asText()).isEqualTo("1796244841198869172");
        assertThat(f.get("last_ts").asText()).isEqualTo("1796244845198870111");
    }
}
