package dev.cxld.daemon.handoff;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.policy.AcceleratorRule;
import dev.cxld.daemon.policy.ProbePolicy;
import dev.cxld.protocol.Event;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Topology;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accelerator policy at probe time: a memdev that cxld's configuration names as an
 * accelerator's ({@code [accelerator NAME]}) is handed off on its own when it arrives (at cxld's
 * start, at boot, on hotplug, on {@code enable-memdev}), as the kernel's {@code cxl_mem_probe()}
 * runs {@code cxl_memdev_attach_region()} for a memdev with an attach method: its first committed
 * single-target region (or, with {@code create-region}, a new one when it has none) is taken out of
 * System RAM and handed to the configured holder, durably, through {@link Handoffs} like any
 * handoff (so it is recorded, published under {@code RUN_DIR/handoffs/}, and announced). A
 * designated memdev whose first region is interleaved or not committed, or that has none, is
 * reported ({@code handoff-degraded}, status) and attached as soon as that changes.
 *
 * <p>Once its handoff has ended (detach, revocation), a memdev is left alone until it arrives
 * again: an administrator's detach is not undone behind their back, as unbinding an accelerator's
 * driver is not. A restarted cxld finds a durable handoff restored and leaves it; a memdev without
 * one is an arrival like any other at start.
 */
public final class Accelerators {
    private static final Logger LOG = LoggerFactory.getLogger(Accelerators.class);

    private volatile List<AcceleratorRule> rules;
    private boolean watching;
    private final Handoffs handoffs;
    private final Snapshots snapshots;
    private final EventBus bus;
    private final RegionMaker regions;
    private final Function<Memdev, AcceleratorRule.PciId> pciOf;
    private final Handoff.Holder self;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cxld-accelerators");
        t.setDaemon(true);
        return t;
    });
    /** Per designated memdev, what the policy last found. */
    private final Map<String, Track> tracks = new LinkedHashMap<>();
    private long newest = Long.MIN_VALUE;
    /** What status shows, rendered after each judgement: status never waits for an attach under way. */
    private volatile ArrayNode published;

    /** What the policy knows of one designated memdev. */
    private static final class Track {
        final AcceleratorRule rule;
        /** Enabled with an endpoint in the last snapshot judged. */
        boolean up;
        /** It arrived and has not been handed off since: the policy acts for it. */
        boolean armed;
        String state = "waiting";
        String reason;
        String refusal;
        String region;

        Track(AcceleratorRule rule) {
            this.rule = rule;
        }
    }

    /**
     * @param self who cxld is (uid, user, pid): the holder of a policy handoff, with the
     *     accelerator's {@code holder} label as owner
     * @param pciOf the PCI ids of a memdev's function, read only for rules that name one (null: unknown)
     */
    public Accelerators(List<AcceleratorRule> rules, Handoffs handoffs, Snapshots snapshots, EventBus bus,
            RegionMaker regions, Function<Memdev, AcceleratorRule.PciId> pciOf, Handoff.Holder self) {
        this.rules = List.copyOf(rules);
        this.handoffs = handoffs;
        this.snapshots = snapshots;
        this.bus = bus;
        this.regions = regions;
        this.pciOf = pciOf;
        this.self = self;
        this.published = render();
    }

    /** Applies the policy to what is there now (the memdevs present at start arrive), then to every change. */
    public synchronized void start() {
        if (rules.isEmpty() || watching) {
            return;
        }
        watching = true;
        evaluate(snapshots.fresh());
        snapshots.watch(t -> {
            try {
                worker.execute(() -> evaluate(t));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // cxld is stopping: the worker is shut down, and the last snapshots are not judged
            }
        });
    }

    /**
     * Replaces the rules (a configuration reload). A memdev a new or changed rule designates is
     * judged as if it had just arrived; a handoff made under a rule that is gone stays, as any
     * handoff, until it is released.
     */
    public void reconfigure(List<AcceleratorRule> next) {
        synchronized (this) {
            if (rules.equals(next)) {
                return;
            }
            rules = List.copyOf(next);
            newest = Long.MIN_VALUE;
            if (!watching) {
                start();
                published = render();
                return;
            }
        }
        try {
            worker.submit(() -> evaluate(snapshots.fresh())).get();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            LOG.error("judging the memdevs after a reload failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Applies the policy to snapshot {@code taken} (ignored when older than one already judged). */
    synchronized void evaluate(Snapshots.Taken taken) {
        if (taken.startedNanos() < newest) {
            return;
        }
        newest = taken.startedNanos();
        Topology t = taken.topology();
        Map<String, Track> seen = new HashMap<>();
        for (Memdev m : t.memdevs()) {
            Optional<AcceleratorRule> rule = ProbePolicy.ruleFor(rules, m, pciOf);
            if (rule.isEmpty()) {
                continue;
            }
            Track tr = tracks.get(m.memdev());
            if (tr == null || !tr.rule.equals(rule.get())) {
                tr = new Track(rule.get());
            }
            seen.put(m.memdev(), tr);
            try {
                judge(t, m, tr);
            } catch (RuntimeException e) { // a vanished file, an IO error: reported, and the others judged
                LOG.error("accelerator {}: judging {} failed", tr.rule.name(), m.memdev(), e);
                tr.armed = false;
                set(tr, m.memdev(), "degraded", "the policy failed: " + e + "; tried again " + untilArrival(m.memdev()),
                        "internal", null, true);
            }
        }
        tracks.clear(); // a memdev gone is an arrival when it comes back
        tracks.putAll(seen);
        published = render();
    }

    private void judge(Topology t, Memdev m, Track tr) {
        boolean up = m.enabled() && m.endpoint() != null;
        if (!up) {
            tr.up = false;
            tr.armed = false;
            set(tr, m.memdev(), "waiting", m.memdev() + " is not enabled (no cxl_mem driver, no endpoint): handed off"
                    + " when it arrives", null, null, false);
            return;
        }
        if (!tr.up) {
            tr.up = true;
            tr.armed = true; // it arrived
        }
        Optional<Handoff> held = handoffs.find(m.memdev());
        if (held.isPresent()) {
            tr.armed = false;
            Handoff h = held.get();
            boolean ours = tr.rule.name().equals(h.accelerator());
            set(tr, m.memdev(), ours ? "attached" : "held", ours ? null : "handed off to " + h.holder().describe()
                    + " by request, not by this policy", null, h.region(), false);
            return;
        }
        if (!tr.armed) {
            if ("attached".equals(tr.state) || "held".equals(tr.state)) {
                set(tr, m.memdev(), "released", released(m.memdev()), null, null, false);
            }
            return;
        }
        Set<String> handedOff = handoffs.active().stream().map(Handoff::region).collect(Collectors.toSet());
        ProbePolicy.Step step = ProbePolicy.decide(tr.rule, t, m.memdev(), handedOff);
        if (step instanceof ProbePolicy.Wait w) {
            set(tr, m.memdev(), "waiting", w.reason(), null, null, false);
        } else if (step instanceof ProbePolicy.Degraded d) {
            set(tr, m.memdev(), "degraded", d.reason(), d.rule().name().toLowerCase(java.util.Locale.ROOT), d.region(), true);
        } else {
            attach(m.memdev(), tr, step instanceof ProbePolicy.Create);
        }
    }

    private void attach(String memdev, Track tr, boolean create) {
        AcceleratorRule r = tr.rule;
        Handoff.Holder holder = new Handoff.Holder(self.uid(), self.user(), self.pid(), self.comm(), r.holder());
        try {
            Handoff h = handoffs.attachCreating(regions, create, memdev, holder, null, null, r.grantUid(), r.name());
            tr.armed = false;
            LOG.info("accelerator {} ({}): handed off {} of {} to \"{}\" at probe time", r.name(), r.source(), h.region(),
                    memdev, r.holder());
            set(tr, memdev, "attached", null, null, h.region(), false);
        } catch (Refusal e) {
            // as a failed probe: not tried again until the memdev arrives again (no create/destroy churn)
            tr.armed = false;
            set(tr, memdev, "degraded", "the policy's attach was refused: " + e.getMessage() + "; tried again "
                    + untilArrival(memdev), e.error().code().name().toLowerCase(java.util.Locale.ROOT), null, true);
        }
    }

    /** Records what was found; a new degradation (or a new reason) is logged and announced once. */
    private void set(Track tr, String memdev, String state, String reason, String rule, String region, boolean announce) {
        boolean changed = !state.equals(tr.state) || !java.util.Objects.equals(reason, tr.reason);
        tr.state = state;
        tr.reason = reason;
        tr.refusal = rule;
        tr.region = region;
        if (changed && announce) {
            LOG.warn("accelerator {} ({}): {} not handed off: {}", tr.rule.name(), tr.rule.source(), memdev, reason);
            ObjectNode data = Json.mapper().createObjectNode();
            data.put("accelerator", tr.rule.name());
            data.put("memdev", memdev);
            if (region != null) {
                data.put("region", region);
            }
            data.put("rule", rule);
            data.put("reason", reason);
            bus.publish(List.of(new Event(0, null, Event.HANDOFF, "handoff-degraded", "memdev", memdev, data)));
        }
    }

    /**
     * For status: each configured accelerator, what it matches, and the memdevs it designates with
     * their state ({@code attached}, {@code held} by another holder, {@code degraded},
     * {@code waiting}, {@code released}).
     */
    public ArrayNode status() {
        ArrayNode out = published;
        // a handoff that ended since the last judgement (the watcher thread runs after the release)
        // is not shown as still attached beside handoffs.active
        Set<String> held = handoffs.active().stream().map(Handoff::memdev).collect(Collectors.toSet());
        boolean stale = false;
        for (com.fasterxml.jackson.databind.JsonNode a : out) {
            for (com.fasterxml.jackson.databind.JsonNode m : a.get("memdevs")) {
                String state = m.get("state").asText();
                stale |= (state.equals("attached") || state.equals("held")) && !held.contains(m.get("memdev").asText());
            }
        }
        if (!stale) {
            return out;
        }
        ArrayNode copy = out.deepCopy();
        for (com.fasterxml.jackson.databind.JsonNode a : copy) {
            for (com.fasterxml.jackson.databind.JsonNode n : a.get("memdevs")) {
                ObjectNode m = (ObjectNode) n;
                String state = m.get("state").asText();
                if ((state.equals("attached") || state.equals("held")) && !held.contains(m.get("memdev").asText())) {
                    m.put("state", "released");
                    m.remove("region");
                    m.put("reason", released(m.get("memdev").asText()));
                }
            }
        }
        return copy;
    }

    private static String released(String memdev) {
        return "its handoff ended; handed off again " + untilArrival(memdev);
    }

    /** When the policy acts for {@code memdev} again, once it has stopped acting for it. */
    private static String untilArrival(String memdev) {
        return "when " + memdev + " next arrives (enable-memdev, hotplug) or cxld restarts";
    }

    private ArrayNode render() {
        ArrayNode out = Json.mapper().createArrayNode();
        for (AcceleratorRule r : rules) {
            ObjectNode o = out.addObject();
            o.put("accelerator", r.name());
            o.put("source", r.source());
            o.put("match", r.describeMatch());
            o.put("holder", r.holder());
            o.put("create_region", r.createRegion());
            if (r.grantUser() != null) {
                o.put("user", r.grantUser());
            }
            ArrayNode memdevs = o.putArray("memdevs");
            tracks.forEach((memdev, tr) -> {
                if (tr.rule.equals(r)) {
                    ObjectNode m = memdevs.addObject();
                    m.put("memdev", memdev);
                    m.put("state", tr.state);
                    if (tr.region != null) {
                        m.put("region", tr.region);
                    }
                    if (tr.refusal != null) {
                        m.put("rule", tr.refusal);
                    }
                    if (tr.reason != null) {
                        m.put("reason", tr.reason);
                    }
                }
            });
        }
        return out;
    }

    /** Stops applying the policy (cxld is stopping). */
    public void close() {
        worker.shutdownNow();
    }
}
