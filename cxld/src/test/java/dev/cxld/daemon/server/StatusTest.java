package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusTest {
    static final Status.Daemon SELF = new Status.Daemon("1.2.3", 1, 4242, Instant.parse("2026-11-24T10:00:00Z"),
            "6.12.95+deb12-amd64", "/sys");

    static final Status.Live LIVE = new Status.Live(
            new dev.cxld.daemon.live.Snapshots.Stats(true, 812, 812, 40, 2, 17, 21, null, 950), "running", 30, 1,
            "enabled (/sys/kernel/tracing/instances/cxld)", "cxl",
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set("active",
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()),
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode());

    @TempDir Path tmp;

    @Test
    void countsCapacityAndTimesOfACommittedTopology() throws IOException {
        Topology t = new CxlSysfs(SysfsFixtures.install("pmem2-pending", tmp)).scan();
        JsonNode s = Status.of(SELF, t, Instant.parse("2026-11-24T11:00:00Z"), Instant.parse("2026-11-24T11:00:05Z"), LIVE);

        assertThat(s.get("daemon").toString()).isEqualTo(
                "{\"version\":\"1.2.3\",\"protocol\":1,\"pid\":4242,\"started\":\"2026-11-24T10:00:00Z\",\"uptime_seconds\":3605,"
                + "\"admin_group\":\"cxl\",\"monitor_subscribers\":1,\"service\":{}}");
        assertThat(s.get("refresh").toString()).isEqualTo("{\"mode\":\"uevent\",\"uevent_listener\":\"running\","
                + "\"uevents\":40,\"last_uevent_seqnum\":812,\"incremental_refreshes\":17,\"full_rescans\":2,"
                + "\"rescan_interval_seconds\":30,\"attribute_watch\":\"watching 21 ports, decoders and regions\","
                + "\"unchanged_refreshes\":950}");
        assertThat(s.get("trace_events").asText()).isEqualTo("enabled (/sys/kernel/tracing/instances/cxld)");
        assertThat(s.get("kernel_release").asText()).isEqualTo("6.12.95+deb12-amd64");
        assertThat(s.get("last_refresh").asText()).isEqualTo("2026-11-24T11:00:00Z");
        assertThat(s.get("counts").toString()).isEqualTo("{\"buses\":1,\"ports\":1,\"endpoints\":2,\"decoders\":13,"
                + "\"memdevs\":2,\"memdevs_enabled\":2,\"regions\":3,\"regions_committed\":2}");
        // two 512 MiB pmem memdevs; regions hold 256 MiB twice (interleave) + 256 + 256 (uncommitted, targeted)
        assertThat(s.get("capacity").get("pmem").toString()).isEqualTo(
                "{\"total_bytes\":1073741824,\"in_regions_bytes\":1073741824,\"free_bytes\":0}");
        assertThat(s.get("capacity").get("ram").toString()).isEqualTo(
                "{\"total_bytes\":0,\"in_regions_bytes\":0,\"free_bytes\":0}");
        assertThat(s.get("degraded")).isEmpty();
        assertThat(s.get("errors")).isEmpty();
    }

    @Test
    void theKeysAreTheDocumentedOnes() throws IOException {
        Topology t = new CxlSysfs(SysfsFixtures.install("ram1-empty", tmp)).scan();
        JsonNode s = Status.of(SELF, t, Instant.EPOCH, Instant.EPOCH, LIVE);
        List<String> keys = new ArrayList<>();
        s.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("daemon", "kernel_release", "sysfs_root", "last_refresh", "refresh",
                "trace_events", "handoffs", "accelerators", "interrupted_changes", "counts", "capacity", "degraded", "errors");
    }

    @Test
    void unreadableObjectsAreListedAsDegradedWithReasons() throws IOException {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        Files.writeString(sys.resolve("bus/cxl/devices/mem2").toRealPath().resolve("serial"), "?\n");
        JsonNode s = Status.of(SELF, new CxlSysfs(sys).scan(), Instant.EPOCH, Instant.EPOCH, LIVE);
        assertThat(s.get("degraded")).hasSize(1);
        assertThat(s.get("degraded").get(0).get("object").asText()).isEqualTo("mem2");
        assertThat(s.get("degraded").get(0).get("reasons").get(0).asText()).endsWith("serial: expected an unsigned 64-bit number, found '?\\n'");
        assertThat(s.get("capacity").get("ram").get("in_regions_bytes").asLong()).isEqualTo(3L * (256 << 20));
    }

    @Test
    void aCreateTheStartCouldNotEndIsDegraded() throws IOException {
        com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        com.fasterxml.jackson.databind.node.ArrayNode creates = f.arrayNode();
        creates.addObject().put("region", "region3").put("asked", "create-region").put("outcome", "rolled back")
                .put("detail", "region3 was not committed yet: destroyed");
        creates.addObject().put("region", "region4").put("asked", "attach-region --create of mem1").put("outcome", "failed")
                .put("detail", "delete region4: the kernel refused: EBUSY");
        creates.addObject().put("outcome", "failed").put("detail", "/var/lib/cxld/region-changes.json: not a region journal");
        Status.Live live = new Status.Live(LIVE.refresh(), LIVE.listener(), 30, 0, LIVE.trace(), "cxl", LIVE.handoffs(),
                LIVE.accelerators(), f.objectNode(), creates);
        JsonNode s = Status.of(SELF, new CxlSysfs(SysfsFixtures.install("ram1-empty", tmp)).scan(), Instant.EPOCH,
                Instant.EPOCH, live);
        assertThat(s.get("interrupted_changes")).isEqualTo(creates);
        assertThat(s.get("degraded").toString()).isEqualTo("[{\"object\":\"region4\",\"reasons\":[\"attach-region"
                + " --create of mem1 under way when cxld stopped: delete region4: the kernel refused: EBUSY\"]},"
                + "{\"object\":\"state\",\"reasons\":[\"/var/lib/cxld/region-changes.json: not a region journal\"]}]");
    }
}
