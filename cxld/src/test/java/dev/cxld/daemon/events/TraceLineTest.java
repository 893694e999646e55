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
}
