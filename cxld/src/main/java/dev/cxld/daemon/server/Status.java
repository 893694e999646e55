package dev.cxld.daemon.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.PortKind;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import dev.cxld.daemon.live.Snapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The {@code status} document: one JSON object for orchestration, keys documented in
 * protocol/README.md and kept stable. Pure: the caller passes the clock readings and facts.
 */
public final class Status {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Facts about the running daemon that are not in the snapshot. */
    public record Daemon(String version, int protocol, long pid, Instant started, String kernelRelease, String sysfsRoot) {}

    /**
     * How the daemon is keeping up, read when status is asked.
     *
     * @param refresh the snapshot counters
     * @param listener "running", or why uevents are not used
     * @param rescanSeconds period of the full rescan
     * @param subscribers open monitor streams
     * @param trace "enabled", or why kernel trace events are not reported
     * @param adminGroup the group whose members may change things
     * @param handoffs {@code {"active":[...],"revoked":[...]}}
     * @param accelerators the configured accelerators and the memdevs they designate, each with its
     *     state ({@code Accelerators.status()}); a degraded one is also listed under {@code degraded}
     * @param service how cxld runs: its configuration files, the last reload, socket activation
     *     (an empty object when nobody said)
     * @param interruptedChanges what became of the region creates and destroys an earlier cxld
     *     left under way, found at start ({@code region}, {@code asked}, {@code outcome},
     *     {@code detail}); a failed one is also listed under {@code degraded}
     */
    public record Live(Snapshots.Stats refresh, String listener, long rescanSeconds, int subscribers, String trace,
            String adminGroup, com.fasterxml.jackson.databind.JsonNode handoffs,
            com.fasterxml.jackson.databind.JsonNode accelerators, com.fasterxml.jackson.databind.JsonNode service,
            com.fasterxml.jackson.databind.JsonNode interruptedChanges) {
        public Live(Snapshots.Stats refresh, String listener, long rescanSeconds, int subscribers, String trace,
                String adminGroup, com.fasterxml.jackson.databind.JsonNode handoffs,
                com.fasterxml.jackson.databind.JsonNode accelerators, com.fasterxml.jackson.databind.JsonNode service) {
            this(refresh, listener, rescanSeconds, subscribers, trace, adminGroup, handoffs, accelerators, service,
                    F.arrayNode());
        }

        public Live(Snapshots.Stats refresh, String listener, long rescanSeconds, int subscribers, String trace,
                String adminGroup, com.fasterxml.jackson.databind.JsonNode handoffs,
                com.fasterxml.jackson.databind.JsonNode accelerators) {
            this(refresh, listener, rescanSeconds, subscribers, trace, adminGroup, handoffs, accelerators, F.objectNode());
        }
    }

    private Status() {}

    public static ObjectNode of(Daemon d, Topology t, Instant refreshed, Instant now, Live live) {
        ObjectNode o = F.objectNode();
        ObjectNode daemon = o.putObject("daemon");
        daemon.put("version", d.version());
        daemon.put("protocol", d.protocol());
        daemon.put("pid", d.pid());
        daemon.put("started", d.started().toString());
        daemon.put("uptime_seconds", Duration.between(d.started(), now).toSeconds());
        o.put("kernel_release", d.kernelRelease());
        o.put("sysfs_root", d.sysfsRoot());
        o.put("last_refresh", refreshed.toString());
        daemon.put("admin_group", live.adminGroup());
        daemon.put("monitor_subscribers", live.subscribers());
        daemon.set("service", live.service());

        ObjectNode refresh = o.putObject("refresh");
        refresh.put("mode", live.refresh().live() ? "uevent" : "rescan");
        refresh.put("uevent_listener", live.listener());
        refresh.put("uevents", live.refresh().uevents());
        refresh.put("last_uevent_seqnum", live.refresh().lastUevent());
        refresh.put("incremental_refreshes", live.refresh().incremental());
        refresh.put("full_rescans", live.refresh().fullScans());
        refresh.put("rescan_interval_seconds", live.rescanSeconds());
        Snapshots.Stats st = live.refresh();
        refresh.put("attribute_watch", st.writesWatched() < 0 ? "off" : st.watchBroken() != null
                ? "broken: " + st.watchBroken() + " (configuration is read again for every request)"
                : "watching " + st.writesWatched() + " ports, decoders and regions");
        refresh.put("unchanged_refreshes", st.unchanged());
        o.put("trace_events", live.trace());
        o.set("handoffs", live.handoffs());
        o.set("accelerators", live.accelerators());
        o.set("interrupted_changes", live.interruptedChanges());

        ObjectNode counts = o.putObject("counts");
        counts.put("buses", t.ports().stream().filter(p -> p.kind() == PortKind.ROOT).count());
        counts.put("ports", t.ports().stream().filter(p -> p.kind() == PortKind.SWITCH).count());
        counts.put("endpoints", t.ports().stream().filter(p -> p.kind() == PortKind.ENDPOINT).count());
        counts.put("decoders", t.decoders().size());
        counts.put("memdevs", t.memdevs().size());
        counts.put("memdevs_enabled", t.memdevs().stream().filter(Memdev::enabled).count());
        counts.put("regions", t.regions().size());
        counts.put("regions_committed", t.regions().stream().filter(r -> Boolean.TRUE.equals(r.committed())).count());

        ObjectNode capacity = o.putObject("capacity");
        capacity(capacity.putObject("ram"), "ram", t);
        capacity(capacity.putObject("pmem"), "pmem", t);

        ArrayNode degraded = o.putArray("degraded");
        for (Port p : t.ports()) {
            degraded(degraded, p.port(), p.errors());
        }
        for (Decoder dec : t.decoders()) {
            degraded(degraded, dec.decoder(), dec.errors());
        }
        for (Memdev m : t.memdevs()) {
            degraded(degraded, m.memdev(), m.errors());
        }
        for (Region r : t.regions()) {
            degraded(degraded, r.region(), r.errors());
        }
        for (com.fasterxml.jackson.databind.JsonNode a : live.accelerators()) {
            for (com.fasterxml.jackson.databind.JsonNode m : a.path("memdevs")) {
                if ("degraded".equals(m.path("state").asText())) {
                    degraded(degraded, m.path("memdev").asText(), List.of("accelerator " + a.path("accelerator").asText()
                            + ": " + m.path("reason").asText()));
                }
            }
        }
        for (com.fasterxml.jackson.databind.JsonNode p : live.handoffs().path("state_problems")) {
            degraded(degraded, "state", List.of(p.asText()));
        }
        for (com.fasterxml.jackson.databind.JsonNode c : live.interruptedChanges()) {
            if ("failed".equals(c.path("outcome").asText())) {
                degraded(degraded, c.has("region") ? c.get("region").asText() : "state", List.of(
                        (c.has("asked") ? c.get("asked").asText() + " under way when cxld stopped: " : "")
                                + c.path("detail").asText()));
            }
        }
        ArrayNode errors = o.putArray("errors");
        t.errors().forEach(errors::add);
        return o;
    }

    /** Bytes of memdev capacity of one partition type: in all, given to regions (DPA), and the rest. */
    private static void capacity(ObjectNode o, String mode, Topology t) {
        dev.cxld.daemon.metrics.Capacity c = dev.cxld.daemon.metrics.Capacity.of(t, mode);
        o.put("total_bytes", c.total());
        o.put("in_regions_bytes", c.inRegions());
        o.put("free_bytes", c.free());
    }

    private static void degraded(ArrayNode out, String object, List<String> reasons) {
        if (!reasons.isEmpty()) {
            ObjectNode o = out.addObject();
            o.put("object", object);
            ArrayNode a = o.putArray("reasons");
            reasons.forEach(a::add);
        }
    }
}
