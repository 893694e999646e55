package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cxld on a real kernel follows changes made behind its back: a region created and deleted by
 * raw sysfs writes is in (and gone from) the very next `cxlctl list`, and `cxlctl monitor` reports
 * each change within {@link #BOUND_MS} of the write, not at the next request or rescan (600 s);
 * memdevs disabled and enabled through cxlctl; a poison trace event with its fields. See
 * test/vm/guest/live.sh.
 */
class LiveVmIT {
    /**
     * How soon after the write an event must come, in the guest. The guest runs under software
     * emulation, 20 to 50 times slower than a host: there a refresh re-reads the whole tree (about
     * 1,200 sysfs reads on this topology, 6 ms on a host) in 0.8 s, and in 1.3 s while the
     * script's next cxlctl JVM starts beside it (measured; the CI run of 2026-12-01 saw 1265 ms
     * against the 1 s bound this test had). Issue 12's event-exact cache removes the re-reading.
     */
    static final long BOUND_MS = 3000;

    @TempDir Path out;

    @Test
    void listAndMonitorFollowTheKernel() throws Exception {
        GuestVm.Result r = GuestVm.run("ram3", 600, out, "test/vm/guest/live.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String region = Files.readString(out.resolve("region.txt")).strip();
        String[] memdevs = Files.readString(out.resolve("memdevs.txt")).strip().split(" ");
        Map<String, Instant> times = GuestVm.times(out);
        List<JsonNode> events = Files.readAllLines(out.resolve("monitor.jsonl")).stream().map(LiveVmIT::parse).toList();
        String log = "monitor:\n" + String.join("\n", Files.readAllLines(out.resolve("monitor.jsonl")))
                + "\ncxld log:\n" + Files.readString(out.resolve("cxld.log"));

        // read-your-writes: the list right after the raw writes has the region, then has it no more
        JsonNode created = parse(Files.readString(out.resolve("list-created.json")));
        assertThat(created.get(0).get("region").asText()).isEqualTo(region);
        assertThat(created.get(0).get("size").asLong()).isEqualTo(256L << 20);
        assertThat(Files.readString(out.resolve("list-deleted.json"))).doesNotContain(region);

        // monitor: each change within BOUND_MS of the write that made it
        within(events, times.get("created"), e -> is(e, "topology", "added", "region", region), log);
        within(events, times.get("created"), e -> is(e, "topology", "region-committed", "region", region), log);
        within(events, times.get("deleted"), e -> is(e, "topology", "removed", "region", region), log);
        within(events, times.get("disabled"), e -> is(e, "topology", "disabled", "memdev", memdevs[0]), log);
        within(events, times.get("disabled"), e -> is(e, "topology", "removed", "endpoint", null), log);
        within(events, times.get("enabled"), e -> is(e, "topology", "enabled", "memdev", memdevs[0]), log);
        JsonNode poison = within(events, times.get("poisoned"),
                e -> is(e, "trace", "cxl_poison", null, memdevs[1]) && e.at("/data/fields/trace_type").asText().equals("List"), log);
        assertThat(poison.at("/data/fields/dpa").asText()).isEqualTo("0x1000");
        assertThat(poison.at("/data/fields/source").asText()).isEqualTo("Injected");

        assertThat(Files.readString(out.resolve("list-disabled.json"))).contains("\"state\":\"disabled\"");
        assertThat(Files.readString(out.resolve("disable.err"))).contains("disabled 1 mem");
        JsonNode status = parse(Files.readString(out.resolve("status.json")));
        assertThat(status.at("/refresh/mode").asText()).isEqualTo("uevent");
        assertThat(status.at("/refresh/uevent_listener").asText()).isEqualTo("running");
        assertThat(status.at("/refresh/uevents").asLong()).isPositive();
        assertThat(status.at("/trace_events").asText()).startsWith("enabled");
        // seq numbers have no gaps: nothing was dropped
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).get("seq").asLong()).isEqualTo(events.get(i - 1).get("seq").asLong() + 1);
        }
    }

    static JsonNode parse(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    static boolean is(JsonNode e, String source, String event, String kind, String name) {
        return e.path("source").asText().equals(source) && e.path("event").asText().equals(event)
                && (kind == null || e.path("kind").asText().equals(kind))
                && (name == null || e.path("name").asText().equals(name));
    }

    /** The first matching event; its time is less than {@link #BOUND_MS} after {@code change} was written. */
    static JsonNode within(List<JsonNode> events, Instant change, Predicate<JsonNode> match, String log) {
        JsonNode e = events.stream().filter(match).findFirst().orElseThrow(() -> new AssertionError("no such event; " + log));
        Instant at = Instant.parse(e.get("time").asText());
        assertThat(java.time.Duration.between(change, at).toMillis()).as(e + " after the change at " + change)
                .isLessThan(BOUND_MS);
        return e;
    }
}
