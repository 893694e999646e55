package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accelerator handoffs on a real kernel (ram3, regions made by raw sysfs writes): an uncommitted and
 * an interleaved region are refused; the single-target region is handed off with exactly the
 * range sysfs shows; disabling its memdev is refused while held; a daemon killed with SIGKILL
 * restores the handoff; detach releases once; a region deleted behind cxld's back is revoked,
 * announced on the monitor stream within a second and shown in status. See test/vm/guest/handoff.sh.
 */
class HandoffVmIT {
    @TempDir Path out;

    @Test
    void handoffsFollowTheKernel() throws Exception {
        GuestVm.Result r = GuestVm.run("ram3", 600, out, "test/vm/guest/handoff.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String single = read("single.txt").strip();
        String[] memdevs = read("memdevs.txt").strip().split(" ");
        String log = read("cxld.log");

        assertThat(rc("refused-uncommitted")).as(read("refused-uncommitted.err")).isEqualTo(10);
        assertThat(read("refused-uncommitted.err")).contains(single).contains("is not committed");
        assertThat(rc("refused-interleaved")).isEqualTo(10);
        assertThat(read("refused-interleaved.err")).contains("interleaved across 2 targets");

        assertThat(rc("attach")).as(read("attach.err") + log).isZero();
        JsonNode h = Json.mapper().readTree(read("attach.out"));
        String[] range = read("sysfs-range.txt").strip().split(" ");
        long resource = Long.decode(range[0]);
        long size = Long.decode(range[1]);
        assertThat(h.get("memdev").asText()).isEqualTo(memdevs[2]);
        assertThat(h.get("region").asText()).isEqualTo(single);
        assertThat(h.get("resource").asLong()).isEqualTo(resource);
        assertThat(h.get("size").asLong()).isEqualTo(size);
        assertThat(h.at("/hpa_range/end").asLong()).isEqualTo(resource + size - 1);
        assertThat(h.get("interleave_ways").asInt()).isEqualTo(1);
        assertThat(h.get("locked").asBoolean()).isTrue();
        assertThat(h.at("/holder/uid").asLong()).isZero();
        assertThat(h.at("/holder/owner").asText()).isEqualTo("vm-test");
        assertThat(h.at("/holder/pid").asLong()).isPositive();

        assertThat(rc("disable-held")).isEqualTo(1); // ndctl's disable-memdev exits 1 on any failure
        assertThat(read("disable-held.err")).contains("would invalidate the handoff of " + single);
        assertThat(rc("attach-again")).isEqualTo(7);

        JsonNode restarted = Json.mapper().readTree(read("status-restarted.out"));
        assertThat(restarted.at("/handoffs/active/0/region").asText()).as("restored after SIGKILL").isEqualTo(single);
        assertThat(rc("attach-after-restart")).isEqualTo(7);
        assertThat(rc("detach")).isZero();
        assertThat(rc("detach-twice")).isEqualTo(4);
        assertThat(read("detach-twice.err")).contains("no handoff of " + memdevs[2] + " to release");

        assertThat(rc("attach-2")).isZero();
        JsonNode revoked = Json.mapper().readTree(read("monitor.jsonl").lines().filter(l -> l.contains("handoff-revoked"))
                .findFirst().orElseThrow(() -> new AssertionError("no handoff-revoked event: " + read("monitor.jsonl") + log)));
        assertThat(revoked.get("name").asText()).isEqualTo(single);
        assertThat(revoked.at("/data/reason").asText()).startsWith("region " + single + " was ");
        Instant deleted = time("deleted");
        assertThat(Duration.between(deleted, Instant.parse(revoked.get("time").asText())).toMillis()).isLessThan(1000);
        JsonNode status = Json.mapper().readTree(read("status-revoked.out"));
        assertThat(status.at("/handoffs/active")).isEmpty();
        assertThat(status.at("/handoffs/revoked/0/handoff/region").asText()).isEqualTo(single);
    }

    String read(String name) {
        try {
            return Files.readString(out.resolve(name));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    int rc(String step) {
        return Integer.parseInt(read(step + ".rc").strip());
    }

    Instant time(String name) throws java.io.IOException {
        Instant t = GuestVm.times(out).get(name);
        if (t == null) {
            throw new AssertionError("no time " + name + " in times.txt");
        }
        return t;
    }
}
