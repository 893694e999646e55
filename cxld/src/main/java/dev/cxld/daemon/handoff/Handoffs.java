package dev.cxld.daemon.handoff;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.control.PrivateMemoryControl;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.nativeio.DeviceNodeAccess;
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
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live handoffs: attach (the policy decides, one winner per region), detach (exactly once),
 * and revocation when the kernel takes the region or the topology under it away. Every change is
 * on disk before it is answered or announced, so a restarted cxld knows its handoffs, and
 * reconciles them with the topology it finds.
 *
 * <p>A leased handoff ({@link Lease}) also ends with its holder, exactly once, whichever of
 * detach, revocation and the holder's end comes first: {@link #endLease} when its connection
 * closes, {@link #checkLeases} when its process has exited. A connection lease does not
 * outlive the cxld whose connection it was: a restarted cxld releases it at start, and a process
 * lease whose process is gone by then.
 */
public final class Handoffs {
    private static final Logger LOG = LoggerFactory.getLogger(Handoffs.class);
    static final int KEEP_REVOKED = 32;

    private final HandoffStore store;
    private final Snapshots snapshots;
    private final PrivateMemoryControl memory;
    private final EventBus bus;
    private final Clock clock;
    private final Processes processes;
    private final RegionTeardown regions;
    private final HandoffFiles files;
    /** Regions cxld created for handoffs that ended, not destroyed yet (kept in the state file). */
    private final List<Teardown> teardowns = new ArrayList<>();
    /** Teardowns whose failure was logged already (retried quietly). */
    private final Set<Teardown> failedOnce = new java.util.HashSet<>();
    private final List<Handoff> active = new ArrayList<>();
    /** The connection (its server-side token) of each connection lease made by this cxld. */
    private final Map<Handoff, Object> holders = new IdentityHashMap<>();
    /** Handoffs whose holder is gone (a closed connection, an undone attach) but whose release could not be recorded yet, with the reason. */
    private final Map<Handoff, String> ended = new IdentityHashMap<>();
    private final List<Revoked> revoked = new ArrayList<>();
    /** Memdevs and regions a changing operation has claimed, with the operations (see {@link #claim}). */
    private final Map<String, List<String>> claimed = new HashMap<>();
    /** Why the state file could not be read at start (null: it could): then no handoff changes. */
    private final String unreadable;
    /** Why the last save failed (null: it did not), for status. */
    private volatile String saveFailure;
    /** When the newest snapshot judged here was taken: an older one must not undo a newer decision. */
    private long newest = Long.MIN_VALUE;

    /** Loads the saved handoffs and checks each against the current topology before anyone can ask. */
    public Handoffs(HandoffStore store, Snapshots snapshots, PrivateMemoryControl memory, EventBus bus, Clock clock,
            Processes processes, RegionTeardown regions, HandoffFiles files) throws IOException {
        this.regions = regions;
        this.files = files;
        this.store = store;
        this.snapshots = snapshots;
        this.memory = memory;
        this.bus = bus;
        this.clock = clock;
        this.processes = processes;
        HandoffStore.State s;
        String problem = null;
        try {
            s = store.load();
        } catch (HandoffStore.Unreadable e) {
            // nothing in it is known: keep it as it is, serve, and change no handoff until it is repaired
            problem = e.getMessage() + "; cxld serves but changes no handoff, region or memdev a handoff could"
                    + " guard until the file is repaired or moved away and cxld restarted";
            LOG.error("{}", problem);
            s = HandoffStore.State.empty();
        }
        unreadable = problem;
        active.addAll(s.handoffs());
        revoked.addAll(s.revoked());
        teardowns.addAll(s.teardowns());
        files.sync(active); // what ended while no cxld ran is no longer published
        if (!active.isEmpty()) {
            LOG.info("restored {} handoff(s) from {}", active.size(), store.file());
        }
        check(snapshots.fresh());
        for (Handoff h : List.copyOf(active)) {
            if (h.lease() != null && h.lease().isConnection()) {
                releaseOrLog(h, "its lease ended: the connection that held it closed when the cxld holding it stopped");
            }
        }
        checkLeases(); // and the teardowns a previous cxld left unfinished
        snapshots.watch(this::check);
    }

    /** Hands {@code memdev}'s region to {@code holder}, durably, or refuses with the rule that stops it. */
    public Handoff attach(String memdev, Handoff.Holder holder) {
        return attach(memdev, holder, null, null);
    }

    /**
     * Hands {@code memdev}'s region to {@code holder} for as long as {@code lease} lasts (null:
     * durably); {@code connection} is the server's token for the connection of a connection lease,
     * which only {@link #endLease} and a detach on that connection end without force.
     */
    public synchronized Handoff attach(String memdev, Handoff.Holder holder, Lease lease, Object connection) {
        return attach(memdev, holder, lease, connection, null, null, null);
    }

    /**
     * {@link #attach(String, Handoff.Holder, Lease, Object)} after giving {@code memdev} a region
     * when it has none and {@code create} asks for one ({@code maker}); when the attach is refused,
     * the region created for it is destroyed again, so a refused attach leaves nothing behind (and a
     * crash before the handoff is saved destroys it at the next start: {@code maker.settled}). The
     * region is created outside this object's lock: region changes take their root decoder's lock,
     * which is never waited for while holding this one.
     */
    public Handoff attachCreating(RegionMaker maker, boolean create, String memdev, Handoff.Holder holder, Lease lease,
            Object connection, Long grantTo, String accelerator) {
        String created = create ? maker.createIfNone().apply(memdev).orElse(null) : null;
        Handoff h;
        try {
            h = attach(memdev, holder, lease, connection, grantTo, created, accelerator);
        } catch (Refusal r) {
            if (created == null) {
                throw r;
            }
            String undone;
            try {
                maker.destroy().accept(created);
                maker.settled().accept(created);
                undone = "; " + created + ", which cxld created for it, was destroyed again";
            } catch (Refusal d) { // not settled: the next start destroys it
                undone = "; destroying " + created + ", which cxld created for it, failed too: " + d.getMessage();
            }
            throw r.adding(undone);
        }
        if (created != null) {
            maker.settled().accept(created); // the handoff, saved, owns it now
        }
        return h;
    }

    /**
     * {@link #attach(String, Handoff.Holder, Lease, Object)}, with {@code grantTo} (a uid; null:
     * none) made owner of the region's character device {@code /dev/daxX.Y}, read-write, until the
     * handoff ends (refused for a region without one), of a region cxld may just have created for
     * it ({@code created}, null: none): when that is the region attached, the handoff owns it, and
     * its end destroys it, once. {@code accelerator} names the configured accelerator whose policy
     * asks for it (null: someone asked).
     */
    public synchronized Handoff attach(String memdev, Handoff.Holder holder, Lease lease, Object connection,
            Long grantTo, String created, String accelerator) {
        if (lease != null && lease.isConnection() && connection == null) {
            throw new IllegalArgumentException("a connection lease needs its connection");
        }
        refuseIfUnreadable("attach-region " + memdev);
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
        refuseIfClaimed(memdev, region.region());
        // no byte of the range may stay System RAM: refused (and undone) otherwise
        PrivateMemoryControl.Made made = memory.makePrivate(region);
        PrivateMemoryState pm = PrivateMemoryState.of(made);
        if (grantTo != null) {
            if (made.node() == null) {
                memory.undo(region.region(), made.done());
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, region.region() + " of " + memdev + " has no dax device,"
                        + " so there is no /dev/daxX.Y to grant or pass; attach it without --exec, --grant or fd"
                        + " (its range is then the handoff)");
            }
            try {
                DeviceNodeAccess.Owner before = memory.grant(made.node(), grantTo);
                pm = pm.granted(new PrivateMemoryState.Grant(grantTo, before.uid(), before.gid(), before.mode()));
            } catch (Refusal r) {
                memory.undo(region.region(), made.done());
                throw r;
            }
        }
        Handoff h = new Handoff(memdev, region.region(), a.decoder(), a.start(), a.size(),
                new Handoff.Range(a.start(), a.end()), region.interleaveWays() == null ? 1 : region.interleaveWays(),
                region.type(), region.daxDevices().isEmpty() ? null : region.daxDevices().get(0), true, holder,
                clock.instant().toString(), pm, lease, region.region().equals(created) ? Boolean.TRUE : null, accelerator);
        active.add(h);
        if (!persist()) {
            active.remove(h);
            ungrant(h);
            memory.undo(region.region(), made.done());
            throw new Refusal(ErrorCode.UNAVAILABLE, "cannot record the handoff of " + region.region() + " in "
                    + store.file() + " (see the daemon log); nothing was handed off");
        }
        if (lease != null && lease.isConnection()) {
            holders.put(h, connection);
        }
        LOG.info("handed off {} of {} ({}) to {}{}", region.region(), memdev, h.hpaRange(), holder.describe(),
                lease == null ? "" : " for as long as " + lease.describe() + " lasts");
        announce("handoff-attached", h, null);
        return h;
    }

    /**
     * A process lease on {@code pid}, which must exist: when it started, so a reused pid is not
     * taken for it.
     */
    public Lease processLease(long pid) {
        OptionalLong started = processes.startTime(pid);
        if (started.isEmpty()) {
            throw new Refusal(ErrorCode.NOT_FOUND, "no process " + pid + " to lease the handoff to (it has exited, or"
                    + " never was)");
        }
        return Lease.process(pid, started.getAsLong());
    }

    /**
     * Ends connection lease {@code h} because its connection closed: released as detach releases
     * it, unless it already ended (detached, revoked): then nothing happens, so a lease is released
     * exactly once however its ends race.
     */
    public synchronized Optional<Released> endLease(Handoff h, String why) {
        return end(h, "its lease ended: " + why);
    }

    /**
     * Ends {@code h} right after its attach because the reply cannot carry what was asked (the
     * descriptor could not be opened): released as detach releases it, once; nothing when it already ended.
     */
    public synchronized Optional<Released> abandon(Handoff h, String why) {
        return end(h, "the attach was undone: " + why);
    }

    /** Releases {@code h}, whose holder is gone for good, unless it ended already; retried by checkLeases when it cannot be recorded. */
    private Optional<Released> end(Handoff h, String reason) {
        if (!active.contains(h)) {
            holders.remove(h);
            return Optional.empty();
        }
        Optional<Released> r = releaseOrLog(h, reason);
        if (r.isEmpty()) {
            ended.put(h, reason);
        }
        return r;
    }

    /**
     * Releases every process lease whose process has exited, and every connection lease whose
     * connection closed while its release could not be recorded (called once a second, and at start).
     */
    public synchronized List<Released> checkLeases() {
        for (Teardown t : List.copyOf(teardowns)) {
            tearDown(t);
        }
        List<Released> ended = new ArrayList<>();
        for (Map.Entry<Handoff, String> e : List.copyOf(this.ended.entrySet())) {
            if (!active.contains(e.getKey())) {
                this.ended.remove(e.getKey());
            } else {
                releaseOrLog(e.getKey(), e.getValue()).ifPresent(r -> {
                    this.ended.remove(e.getKey());
                    ended.add(r);
                });
            }
        }
        for (Handoff h : List.copyOf(active)) {
            Lease l = h.lease();
            if (l != null && l.isProcess()) {
                OptionalLong started = processes.startTime(l.pid());
                if (started.isEmpty() || started.getAsLong() != l.started()) {
                    releaseOrLog(h, "its lease ended: process " + l.pid() + " exited").ifPresent(ended::add);
                }
            }
        }
        return ended;
    }

    /** What release did: the handoff, and what became of its memory. */
    public record Released(Handoff handoff, String memory, List<String> restoreErrors) {}

    /**
     * Ends the handoff of a memdev or region, exactly once (a second detach finds nothing and says
     * so), and gives its memory back as it was before attach, unless {@code keepDevdax}. A lease is
     * ended this way only by its holder (its own connection, or its process) or with {@code force}.
     */
    public synchronized Released detach(String memdevOrRegion, boolean keepDevdax) {
        return detach(memdevOrRegion, keepDevdax, true, null, 0);
    }

    /**
     * {@link #detach(String, boolean)} asked on {@code connection} by process {@code pid}; refused
     * with LOCKED for someone else's lease unless {@code force}.
     */
    public synchronized Released detach(String memdevOrRegion, boolean keepDevdax, boolean force, Object connection,
            long pid) {
        refuseIfUnreadable("detach-region " + memdevOrRegion);
        Handoff h = find(memdevOrRegion).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "no handoff of "
                + memdevOrRegion + " to release" + (active.isEmpty() ? " (none is active)" : "; active: "
                        + active.stream().map(x -> x.region() + " of " + x.memdev()).collect(Collectors.joining(", ")))
                + lastRevoked(memdevOrRegion)));
        Lease l = h.lease();
        boolean holder = l == null
                || (l.isConnection() && connection != null && holders.get(h) == connection)
                || (l.isProcess() && pid > 0 && l.pid() == pid);
        if (!holder && !force) {
            throw new Refusal(ErrorCode.LOCKED, h.region() + " (memdev " + h.memdev() + ") is leased to "
                    + h.holder().describe() + " for as long as " + l.describe() + " lasts; its holder ends it by"
                    + " closing that connection or exiting, or detach-region --force takes it away");
        }
        return release(h, keepDevdax, holder ? null : "detached by force, from another connection than its holder's");
    }

    /** {@link #release}, or the reason it could not be recorded in the log (the next check tries again). */
    private Optional<Released> releaseOrLog(Handoff h, String reason) {
        try {
            return Optional.of(release(h, false, reason));
        } catch (Refusal r) {
            LOG.error("{} ({}); it stays handed off for now", r.getMessage(), reason);
            return Optional.empty();
        }
    }

    /** Ends {@code h}: recorded, announced ({@code reason} with it), memory given back. */
    private Released release(Handoff h, boolean keepDevdax, String reason) {
        active.remove(h);
        Teardown teardown = h.created() ? Teardown.of(h, reason == null ? "detached" : reason) : null;
        if (teardown != null) {
            teardowns.add(teardown); // in the same write that ends the handoff
        }
        if (!persist()) {
            active.add(h);
            teardowns.remove(teardown);
            throw new Refusal(ErrorCode.UNAVAILABLE, "cannot record the release of " + h.region() + " in "
                    + store.file() + " (see the daemon log); it is still handed off");
        }
        holders.remove(h);
        LOG.info("released {} of {} from {}{}", h.region(), h.memdev(), h.holder().describe(),
                reason == null ? "" : ": " + reason);
        announce("handoff-released", h, reason);
        PrivateMemoryState pm = h.privateMemory();
        List<String> failures = new ArrayList<>();
        String ungranted = ungrant(h); // before the device can go back to kmem
        if (ungranted != null) {
            failures.add(ungranted);
        }
        if (teardown != null) {
            String failed = tearDown(teardown);
            if (failed != null) {
                failures.add(failed);
                return new Released(h, "not destroyed yet: " + h.region() + ", which cxld created for this handoff"
                        + " (retried)", failures);
            }
            return new Released(h, "destroyed with " + h.region() + ", which cxld created for this handoff", failures);
        }
        if (pm == null || pm.done().isEmpty()) {
            return new Released(h, failures.isEmpty() ? "unchanged" : "not all given back", failures);
        }
        if (keepDevdax) {
            return new Released(h, "kept private (" + pm.dax() + " stays bound to device_dax)", failures);
        }
        failures.addAll(memory.undo(h.region(), pm.done()));
        return new Released(h, failures.isEmpty() ? "given back as it was before attach" : "not all given back", failures);
    }

    /** Puts the device node of {@code h}'s grant back as it was; the failure, or null (also: no grant). */
    private String ungrant(Handoff h) {
        PrivateMemoryState pm = h.privateMemory();
        if (pm == null || pm.grant() == null || pm.device() == null) {
            return null;
        }
        PrivateMemoryState.Grant g = pm.grant();
        return memory.ungrant(java.nio.file.Path.of(pm.device()),
                new DeviceNodeAccess.Owner(g.uidBefore(), g.gidBefore(), g.modeBefore()));
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

    /**
     * The guard of changing operations ({@code MemdevControl.Guard}): refuses {@code operation} on
     * {@code name} (a memdev or region) while a handoff holds it, and otherwise keeps it from
     * being handed off until the returned claim is closed: an attach meanwhile is BUSY, so no
     * handoff begins between the check and the change (a destroy-region racing an attach-region
     * tore down the region just handed off, in a guest: CrashVmIT's races).
     */
    public synchronized dev.cxld.daemon.control.MemdevControl.Guard.Claim claim(String name, String operation) {
        refuseIfHeld(name, operation);
        claimed.computeIfAbsent(name, k -> new ArrayList<>()).add(operation);
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        return () -> {
            if (open.getAndSet(false)) {
                unclaim(name, operation);
            }
        };
    }

    private synchronized void unclaim(String name, String operation) {
        List<String> ops = claimed.get(name);
        if (ops != null) {
            ops.remove(operation);
            if (ops.isEmpty()) {
                claimed.remove(name);
            }
        }
    }

    /** BUSY when a change is under way on the memdev or the region an attach would hand off. */
    private void refuseIfClaimed(String memdev, String region) {
        for (String name : List.of(memdev, region)) {
            List<String> ops = claimed.get(name);
            if (ops != null && !ops.isEmpty()) {
                throw new Refusal(ErrorCode.BUSY, "attach-region " + memdev + ": " + name + " is being changed right now ("
                        + ops.get(0) + "); try again once that is done");
            }
        }
    }

    /** Refuses with LOCKED when {@code name} (memdev or region) is guarded by a handoff. */
    public void refuseIfHeld(String name, String operation) {
        refuseIfUnreadable(operation + " " + name);
        find(name).ifPresent(h -> {
            throw new Refusal(new ErrorBody(ErrorCode.LOCKED, operation + " " + name + " would invalidate the handoff of "
                    + h.region() + " (memdev " + h.memdev() + ") to " + h.holder().describe() + " since " + h.since()
                    + "; detach it first"));
        });
    }

    private void refuseIfUnreadable(String what) {
        if (unreadable != null) {
            throw new Refusal(ErrorCode.UNAVAILABLE, what + " refused: " + unreadable);
        }
    }

    /**
     * For status: {@code {"active":[...],"revoked":[...]}}, revoked newest last, and
     * {@code state_problems} when the state file could not be read at start or the last save failed.
     */
    public synchronized ObjectNode status() {
        ObjectNode o = Json.mapper().createObjectNode();
        if (unreadable != null || saveFailure != null) {
            com.fasterxml.jackson.databind.node.ArrayNode p = o.putArray("state_problems");
            if (unreadable != null) {
                p.add(unreadable);
            }
            if (saveFailure != null) {
                p.add(saveFailure);
            }
        }
        o.set("active", Json.mapper().valueToTree(active));
        o.set("revoked", Json.mapper().valueToTree(revoked));
        if (!teardowns.isEmpty()) {
            o.set("teardowns", Json.mapper().valueToTree(teardowns));
        }
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
                holders.remove(h);
                now.add(new Revoked(h, why, clock.instant().toString()));
            }
        }
        if (now.isEmpty()) {
            return;
        }
        List<Teardown> due = new ArrayList<>();
        for (Revoked r : now) {
            ungrant(r.handoff()); // its device node, when it outlived the region's change
            // a region cxld created goes with its handoff, unless the kernel deleted it already
            if (r.handoff().created() && t.region(r.handoff().region()).isPresent()) {
                due.add(Teardown.of(r.handoff(), "revoked: " + r.reason()));
            }
        }
        teardowns.addAll(due);
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
        for (Teardown d : due) {
            tearDown(d);
        }
    }

    /**
     * Destroys the region of pending teardown {@code t} if it is still the one cxld created, then
     * drops it from the state; the failure (it stays pending, retried once a second), or null.
     */
    private String tearDown(Teardown t) {
        if (!teardowns.contains(t)) {
            return null; // done already
        }
        boolean destroyed;
        try {
            // a region by that name handed off again is another handoff's now: never destroyed here
            destroyed = find(t.region()).isEmpty() && regions.destroyIfSame(t.region(), t.resource(), t.size());
        } catch (Refusal r) {
            String why = "cannot destroy " + t.region() + ", which cxld created for the handoff of " + t.memdev()
                    + ": " + r.getMessage();
            if (failedOnce.add(t)) {
                LOG.error("{}; retrying once a second", why);
            }
            return why;
        }
        teardowns.remove(t);
        failedOnce.remove(t);
        if (destroyed) {
            LOG.info("destroyed {}, which cxld created for the handoff of {} ({})", t.region(), t.memdev(), t.why());
        } else {
            LOG.info("{}, which cxld created for the handoff of {}, is gone already: nothing to destroy", t.region(),
                    t.memdev());
        }
        if (!persist()) {
            LOG.error("the teardown of {} stays in {} until it can be saved; a cxld that starts with it finds the"
                    + " region gone and does nothing", t.region(), store.file());
        }
        return null;
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
            if (unreadable != null) {
                throw new IOException("the state file could not be read at start, and is kept as it is");
            }
            store.save(new HandoffStore.State(HandoffStore.VERSION, active, revoked, teardowns));
            files.sync(active);
            saveFailure = null;
            return true;
        } catch (IOException e) {
            LOG.error("cannot save handoffs to {}: {}", store.file(), e.getMessage());
            saveFailure = "the last save of " + store.file() + " failed (" + e.getMessage() + "): changes since are refused"
                    + " or kept in memory until a save succeeds";
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
