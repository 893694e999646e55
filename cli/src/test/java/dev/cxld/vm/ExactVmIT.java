package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * cxld's cache is exact on the real kernel: 120 raw sysfs writes (a region made and torn down by
 * hand, ten times), each followed at once by {@code list} and {@code status}, every answer equal
 * to sysfs read right after it (the region, every decoder's size and region, every port's
 * decoders_committed), while the cache answers most requests without reading anything. On ram1
 * (root, host bridge, endpoint) and on switch2 (a switch between them: a commit programs four
 * levels of decoders). See test/vm/guest/exact.py.
 */
class ExactVmIT {
    @TempDir Path out;

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ram1", "switch2"})
    void everyAnswerHoldsTheWriteBeforeIt(String topology) throws Exception {
        GuestVm.Result r = GuestVm.run(topology, 600, out, "test/vm/guest/exact.sh");
        Path report = out.resolve("exact.json");
        String log = Files.exists(out.resolve("cxld.log")) ? Files.readString(out.resolve("cxld.log")) : "";
        assertThat(report).as(r + log).exists();
        JsonNode e = Json.mapper().readTree(report.toFile());
        assertThat(e.get("stale")).as("answers that differ from sysfs: " + e.get("stale")).isEmpty();
        assertThat(r.exitCode()).as(r + log).isZero();
        assertThat(e.get("checks").asInt()).isEqualTo(120);
        assertThat(e.get("queries").asInt()).isGreaterThanOrEqualTo(240);
        JsonNode before = e.get("refresh_before");
        JsonNode after = e.get("refresh_after");
        assertThat(after.get("attribute_watch").asText()).startsWith("watching ");
        // between the writes nothing changes: most requests read nothing at all
        assertThat(after.get("unchanged_refreshes").asLong() - before.get("unchanged_refreshes").asLong())
                .isGreaterThanOrEqualTo(100);
        assertThat(e.get("decoders_checked").asInt()).isGreaterThanOrEqualTo(topology.equals("switch2") ? 17 : 6);
        System.out.println("ExactVmIT " + topology + ": " + e.get("checks") + " checks in " + e.get("seconds") + " s; list+status p50 "
                + e.get("p50_ms") + " ms, p99 " + e.get("p99_ms") + " ms (a guest under software emulation)");
    }
}
