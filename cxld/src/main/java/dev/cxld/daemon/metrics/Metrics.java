package dev.cxld.daemon.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.handoff.Handoffs;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * cxld's metrics, kept in the official Prometheus Java client and written in its text exposition
 * format (version 0.0.4). What a scrape shows of the topology is read from the current snapshot
 * when it is scraped; requests, refreshes and mailbox errors are counted as they happen.
 * Names follow Prometheus' conventions: the {@code cxld_} prefix, base units ({@code _bytes},
 * {@code _seconds}, {@code _ratio}, {@code _celsius}), {@code _total} on counters.
 */
public final class Metrics {
    /** Operations a request may be counted under; anything else a client sends is counted as "unknown". */
    private final Set<String> operations;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram requestSeconds;
    private final Histogram refreshSeconds;
    private final Counter mailboxErrors;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * @param health a memdev's health as {@code cxlctl health} shows it, or null when it cannot be
     *     read now (no device node, the mailbox failed); called at scrape time, so it should cache
     */
    public Metrics(Set<String> operations, Snapshots snapshots, Handoffs handoffs, Supplier<JsonNode> accelerators,
            Function<String, JsonNode> health, String version, String kernel, long startSeconds) {
        this.operations = Set.copyOf(operations);
        requests = Counter.builder().name("cxld_requests").help("Requests answered, by operation and outcome code"
                + " (ok, or the protocol's error code)").labelNames("op", "code").register(registry);
        requestSeconds = Histogram.builder().name("cxld_request_duration_seconds").help("Time to answer a request,"
                + " by operation").labelNames("op").classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
                .register(registry);
        refreshSeconds = Histogram.builder().name("cxld_refresh_duration_seconds").help("Time to read sysfs for a"
                + " topology refresh, by kind (incremental after uevents and attribute writes, full rescans)")
                .labelNames("kind").classicOnly()
                .classicUpperBounds(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5).register(registry);
        mailboxErrors = Counter.builder().name("cxld_mailbox_errors").help("Mailbox commands that failed, by error"
                + " code (device_error: the device's return code; kernel_error: the ioctl failed)")
                .labelNames("code").register(registry);
        snapshots.timer((kind, nanos) -> refreshSeconds.labelValues(kind).observe(nanos / 1e9));
        GaugeWithCallback.builder().name("cxld_info").help("cxld's version and the kernel it runs on")
                .labelNames("version", "kernel").callback(cb -> cb.call(1, version, kernel)).register(registry);
        GaugeWithCallback.builder().name("cxld_start_time_seconds").help("When cxld started, in seconds since the"
                + " epoch").callback(cb -> cb.call(startSeconds)).register(registry);
        CounterWithCallback.builder().name("cxld_uevents").help("Kernel uevents of CXL devices received")
                .callback(cb -> cb.call(snapshots.stats().uevents())).register(registry);
        CounterWithCallback.builder().name("cxld_refreshes").help("Topology refreshes that read sysfs, by kind")
                .labelNames("kind").callback(cb -> {
                    Snapshots.Stats st = snapshots.stats();
                    cb.call(st.incremental(), "incremental");
                    cb.call(st.fullScans(), "full");
                }).register(registry);
        GaugeWithCallback.builder().name("cxld_memdevs").help("CXL memory devices, by state (enabled: bound to"
                + " cxl_mem with an endpoint)").labelNames("state").callback(cb -> {
                    Topology t = snapshots.current().topology();
                    long enabled = t.memdevs().stream().filter(Memdev::enabled).count();
                    cb.call(enabled, "enabled");
                    cb.call(t.memdevs().size() - enabled, "disabled");
                }).register(registry);
        GaugeWithCallback.builder().name("cxld_capacity_bytes").help("Memdev capacity by partition type and state"
                + " (in_regions: decoded into a region by an endpoint decoder; free: the rest)")
                .labelNames("type", "state").callback(cb -> {
                    Topology t = snapshots.current().topology();
                    for (String type : new String[] {"ram", "pmem"}) {
                        Capacity c = Capacity.of(t, type);
                        cb.call(c.inRegions(), type, "in_regions");
                        cb.call(c.free(), type, "free");
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("cxld_regions").help("CXL regions, by type and state (committed:"
                + " decoders programmed; otherwise uncommitted)").labelNames("type", "state").callback(cb -> {
                    Topology t = snapshots.current().topology();
                    for (String type : new String[] {"ram", "pmem"}) {
                        long committed = 0;
                        long other = 0;
                        for (Region r : t.regions()) {
                            if (type.equals(r.type())) {
                                if (Boolean.TRUE.equals(r.committed())) {
                                    committed++;
                                } else {
                                    other++;
                                }
                            }
                        }
                        cb.call(committed, type, "committed");
                        cb.call(other, type, "uncommitted");
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("cxld_handoffs").help("Accelerator memory handoffs, by state (active:"
                + " held; revoked: ended by the kernel or topology, not by their holder, since cxld started)")
                .labelNames("state").callback(cb -> {
                    JsonNode h = handoffs.status();
                    cb.call(h.path("active").size(), "active");
                    cb.call(h.path("revoked").size(), "revoked");
                }).register(registry);
        GaugeWithCallback.builder().name("cxld_accelerator_memdevs").help("Memdevs the configured accelerators"
                + " designate, by policy state (attached, held, degraded, waiting, released)")
                .labelNames("accelerator", "state").callback(cb -> {
                    for (JsonNode a : accelerators.get()) {
                        java.util.Map<String, Integer> n = new java.util.TreeMap<>();
                        for (String s : new String[] {"attached", "held", "degraded", "waiting", "released"}) {
                            n.put(s, 0);
                        }
                        for (JsonNode m : a.path("memdevs")) {
                            n.merge(m.path("state").asText(), 1, Integer::sum);
                        }
                        n.forEach((s, c) -> cb.call(c, a.path("accelerator").asText(), s));
                    }
                }).register(registry);
        health(snapshots, health);
    }

    private void health(Snapshots snapshots, Function<String, JsonNode> health) {
        GaugeWithCallback.builder().name("cxld_memdev_health_available").help("1 when the memdev's Get Health Info"
                + " answered (at most a minute ago), 0 when it could not be read").labelNames("memdev")
                .callback(cb -> {
                    for (Memdev m : snapshots.current().topology().memdevs()) {
                        cb.call(health.apply(m.memdev()) == null ? 0 : 1, m.memdev());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("cxld_memdev_health_status").help("The device's health status flags"
                + " (Get Health Info): 1 when set").labelNames("memdev", "flag").callback(cb -> {
                    for (Memdev m : snapshots.current().topology().memdevs()) {
                        JsonNode h = health.apply(m.memdev());
                        if (h == null) {
                            continue;
                        }
                        for (String f : new String[] {"maintenance_needed", "performance_degraded", "hw_replacement_needed"}) {
                            if (h.has(f)) {
                                cb.call(h.path(f).asBoolean() ? 1 : 0, m.memdev(), f);
                            }
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("cxld_memdev_life_used_ratio").help("Share of the device's rated life"
                + " used (Get Health Info), 0 to 1").labelNames("memdev").callback(cb -> {
                    for (Memdev m : snapshots.current().topology().memdevs()) {
                        JsonNode h = health.apply(m.memdev());
                        if (h != null && h.has("life_used_percent")) {
                            cb.call(h.path("life_used_percent").asDouble() / 100.0, m.memdev());
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("cxld_memdev_temperature_celsius").help("Device temperature (Get Health"
                + " Info)").labelNames("memdev").callback(cb -> {
                    for (Memdev m : snapshots.current().topology().memdevs()) {
                        JsonNode h = health.apply(m.memdev());
                        if (h != null && h.has("temperature")) {
                            cb.call(h.path("temperature").asDouble(), m.memdev());
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("cxld_memdev_media_errors").help("Error counts the device reports (Get"
                + " Health Info): dirty shutdowns, corrected volatile and persistent memory errors")
                .labelNames("memdev", "kind").callback(cb -> {
                    for (Memdev m : snapshots.current().topology().memdevs()) {
                        JsonNode h = health.apply(m.memdev());
                        if (h == null) {
                            continue;
                        }
                        for (String f : new String[] {"dirty_shutdowns", "volatile_errors", "pmem_errors"}) {
                            if (h.has(f)) {
                                cb.call(h.path(f).asDouble(), m.memdev(), f);
                            }
                        }
                    }
                }).register(registry);
    }

    /** Counts one answered request: {@code code} is "ok" or an error code's name. */
    public void request(String op, String code, long nanos) {
        String o = op != null && operations.contains(op) ? op : "unknown";
        requests.labelValues(o, code.toLowerCase(java.util.Locale.ROOT)).inc();
        requestSeconds.labelValues(o).observe(nanos / 1e9);
    }

    /** Counts one failed mailbox command by the protocol error code it was reported with. */
    public void mailboxError(String code) {
        mailboxErrors.labelValues(code.toLowerCase(java.util.Locale.ROOT)).inc();
    }

    /** Everything, in the text exposition format. */
    public String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The content type of {@link #text()}, for HTTP. */
    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
