package dev.cxld.daemon.handoff;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.control.PrivateMemoryControl;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.policy.AttachPolicy;
import dev.cxld.protocol.ErrorBody;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Event;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live handoffs: attach (the policy decides, one winner per region), detach (exactly once),
 * and revocation when the kernel takes the region or the topology under it away. Every change is
 * on disk before it is answered or announced, so a restarted cxld knows its handoffs, and
 * reconciles them with the topology it finds.
 */
public final class Handoffs {
    private static final Logger LOG = LoggerFactory.getLogger(Handoffs.class);
    static final int KEEP_REVOKED = 32;

    private final HandoffStore store;
    private final Snapshots snapshots;
    private final PrivateMemoryControl memory;
    private final EventBus bus;
    private final Clock clock;
    private final List<Handoff> active = new ArrayList<>();
    private final List<Revoked> revoked = new ArrayList<>();
    /** When the newest snapshot judged here was taken: an older one must not undo a newer decision. */
    private long newest = Long.MIN_VALUE;

    /** Loads the saved handoffs and checks each against the current topology before anyone can ask. */
    public Handoffs(HandoffStore store, Snapshots snapshots, PrivateMemoryControl memory, EventBus bus, Clock clock)
            throws IOException {
        this.store = store;
        this.snapshots = snapshots;
        this.memory = memory;
        this.bus = bus;
        this.clock = clock;
        HandoffStore.State s = store.load();
        active.addAll(s.handoffs());
        revoked.addAll(s.revoked());
        if (!active.isEmpty()) {
            LOG.info("restored {} handoff(s) from {}", active.size(), store.file());
        }
        check(snapshots.fresh());
        snapshots.watch(this::check);
    }

    /** Hands {@code memdev}'s region to {@code holder}, or refuses with the rule that stops it. */
    public synchronized Handoff attach(String memdev, Handoff.Holder holder) {
        Snapshots.Taken taken = snapshots.fresh();
        check(taken);
        Topology t = taken.topology();
        Set<String> held = active.stream().map(Handoff::region).collect(Collectors.toSet());
        AttachPolicy.Decision d = AttachPolicy.decide(t, memdev, held);
        if (d instanceof AttachPolicy.Refused r) {
            switch (r.rule()) {
                case UNKNOWN_MEMDEV:
                    throw new Refusal(ErrorCode.NOT_FOUND, r.message());
                case ALREADY_HANDED_OFF:
                    Handoff h = find(r.region()).orElseThrow();
                    throw new Refusal(ErrorCode.LOCKED, r.message() + " to " + h.holder().describe() + " since " + h.since());
                default:
                    throw new Refusal(ErrorCode.NOT_ATTACHABLE, r.message());
            }
        }
        AttachPolicy.Attachable a = (AttachPolicy.Attachable) d;
        Region region = a.region();
        // no byte of the range may stay System RAM: refused (and undone) otherwise
        PrivateMemoryControl.Made made = memory.makePrivate(region);
        Handoff h = new Handoff(memdev, region.region(), a.decoder(), a.start(), a.size(),
                new Handoff.Range(a.start(), a.end()), region.interleaveWays() == null ? 1 : region.interleaveWays(),
                region.type(), region.daxDevices().isEmpty() ? null : region.daxDevices().get(0), true, holder,
                clock.instant().toString(), PrivateMemoryState.of(made));
        active.add(h);
        if (!persist()) {
            active.remove(h);
            memory.undo(region.region(), made.done());
            throw new Refusal(ErrorCode.UNAVAILABLE, "cannot record the handoff of " + region.region() + " in "
                    + store.file() + " (see the daemon log); nothing was handed off");
        }
        LOG.info("handed off {} of {} ({}) to {}", region.region(), memdev, h.hpaRange(), holder.describe());
        announce("handoff-attached", h, null);
        return h;
    }

    /** What release did: the handoff, and what became of its memory. */
    public record Released(Handoff handoff, String memory, List<String> restoreErrors) {}

    /**
     * Ends the handoff of a memdev or region, exactly once (a second detach finds nothing and says
     * so), and gives its memory back as it was before attach, unless {@code keepDevdax}.
     */
    public synchronized Released detach(String memdevOrRegion, boolean keepDevdax) {
        Handoff h = find(memdevOrRegion).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "no handoff of "
                + memdevOrRegion + " to release" + (active.isEmpty() ? " (none is active)" : "; active: "
                        + active.stream().map(x -> x.region() + " of " + x.memdev()).collect(Collectors.joining(", ")))
                + lastRevoked(memdevOrRegion)));
        active.remove(h);
        if (!persist()) {
            active.add(h);
            throw new Refusal(ErrorCode.UNAVAILABLE, "cannot record the release of " + h.region() + " in "
                    + store.file() + " (see the daemon log); it is still handed off");
        }
        LOG.info("released {} of {} from {}", h.region(), h.memdev(), h.holder().describe());
        announce("handoff-released", h, null);
        PrivateMemoryState pm = h.privateMemory();
        if (pm == null || pm.done().isEmpty()) {
            return new Released(h, "unchanged", List.of());
        }
        if (keepDevdax) {
            return new Released(h, "kept private (" + pm.dax() + " stays bound to device_dax)", List.of());
        }
        List<String> failures = memory.undo(h.region(), pm.done());
        return new Released(h, failures.isEmpty() ? "given back as it was before attach" : "not all given back", failures);
    }

    private String lastRevoked(String name) {
        for (int i = revoked.size() - 1; i >= 0; i--) {
            Revoked r = revoked.get(i);
            if (r.handoff().memdev().equals(name) || r.handoff().region().equals(name)) {
                return "; it was revoked at " + r.at() + ": " + r.reason();
            }
        }
        return "";
    }

    /** The live handoff that guards {@code memdevOrRegion}, if any. */
    public synchronized Optional<Handoff> find(String memdevOrRegion) {
        return active.stream().filter(h -> h.memdev().equals(memdevOrRegion) || h.region().equals(memdevOrRegion))
                .findFirst();
    }

    /** Refuses with LOCKED when {@code name} (memdev or region) is guarded by a handoff. */
    public void refuseIfHeld(String name, String operation) {
        find(name).ifPresent(h -> {
            throw new Refusal(new ErrorBody(ErrorCode.LOCKED, operation + " " + name + " would invalidate the handoff of "
                    + h.region() + " (memdev " + h.memdev() + ") to " + h.holder().describe() + " since " + h.since()
                    + "; detach it first"));
        });
    }

    /** For status: {@code {"active":[...],"revoked":[...]}}, revoked newest last. */
    public synchronized ObjectNode status() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.set("active", Json.mapper().valueToTree(active));
        o.set("revoked", Json.mapper().valueToTree(revoked));
        return o;
    }

    public synchronized List<Handoff> active() {
        return List.copyOf(active);
    }

    public synchronized List<Revoked> revoked() {
        return List.copyOf(revoked);
    }

    /**
     * Revokes every handoff the snapshot no longer supports. A snapshot older than one already
     * judged (the watcher thread lags behind attach, which takes its own) is ignored: it could
     * show a region as it was before the commit that made it attachable.
     */
    synchronized void check(Snapshots.Taken taken) {
        if (taken.startedNanos() < newest) {
            return;
        }
        newest = taken.startedNanos();
        Topology t = taken.topology();
        List<Revoked> now = new ArrayList<>();
        for (Handoff h : List.copyOf(active)) {
            String why = whyGone(h, t);
            if (why != null) {
                active.remove(h);
                now.add(new Revoked(h, why, clock.instant().toString()));
            }
        }
        if (now.isEmpty()) {
            return;
        }
        revoked.addAll(now);
        while (revoked.size() > KEEP_REVOKED) {
            revoked.remove(0);
        }
        persist();
        for (Revoked r : now) {
            LOG.warn("revoked the handoff of {} (memdev {}) to {}: {}", r.handoff().region(), r.handoff().memdev(),
                    r.handoff().holder().describe(), r.reason());
            announce("handoff-revoked", r.handoff(), r.reason());
        }
    }

    /** Why the topology no longer supports {@code h}; null while it does. */
    static String whyGone(Handoff h, Topology t) {
        Optional<Memdev> m = t.memdev(h.memdev());
        if (m.isEmpty()) {
            return "memdev " + h.memdev() + " was removed";
        }
        if (!m.get().enabled() || m.get().endpoint() == null) {
            return "memdev " + h.memdev() + " was disabled, or a port above it was (its endpoint port is gone)";
        }
        Optional<Region> r = t.region(h.region());
        if (r.isEmpty()) {
            return "region " + h.region() + " was deleted";
        }
        Region region = r.get();
        if (!Boolean.TRUE.equals(region.committed())) {
            return "region " + h.region() + " was reset (decommitted)";
        }
        if (region.resource() == null || region.size() == null || region.resource() != h.resource()
                || region.size() != h.size()) {
            return "region " + h.region() + "'s address range changed from " + h.hpaRange() + " to resource "
                    + region.resource() + " size " + region.size();
        }
        if (region.mappings().stream().noneMatch(x -> h.memdev().equals(x.memdev()) && h.decoder().equals(x.decoder()))) {
            return "region " + h.region() + " no longer maps " + h.memdev() + " through " + h.decoder();
        }
        return null;
    }

    private boolean persist() {
        try {
            store.save(new HandoffStore.State(HandoffStore.VERSION, active, revoked));
            return true;
        } catch (IOException e) {
            LOG.error("cannot save handoffs to {}: {}", store.file(), e.getMessage());
            return false;
        }
    }

    private void announce(String what, Handoff h, String reason) {
        ObjectNode data = Json.mapper().valueToTree(h);
        if (reason != null) {
            data.put("reason", reason);
        }
        bus.publish(List.of(new Event(0, null, Event.HANDOFF, what, "region", h.region(), data)));
    }
}
