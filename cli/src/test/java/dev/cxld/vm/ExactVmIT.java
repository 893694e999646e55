package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cxld's cache is exact on the real kernel (ram1): 120 raw sysfs writes (a region made and torn
 * down by hand, ten times), each followed at once by {@code list} and {@code status}, every answer
 * equal to sysfs read right after it, while the cache answers most requests without reading
 * anything (the attribute watch and uevents say nothing changed). See test/vm/guest/exact.py.
 */
class ExactVmIT {
    @TempDir Path out;

    @Test
    void everyAnswerHoldsTheWriteBeforeIt() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 600, out, "test/vm/guest/exact.sh");
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
        System.out.println("ExactVmIT: " + e.get("checks") + " checks in " + e.get("seconds") + " s; list+status p50 "
                + e.get("p50_ms") + " ms, p99 " + e.get("p99_ms") + " ms (a guest under software emulation)");
    }
}
