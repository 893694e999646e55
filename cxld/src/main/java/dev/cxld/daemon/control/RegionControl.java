package dev.cxld.daemon.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.policy.AttachPolicy;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.DecoderKind;
import dev.cxld.protocol.model.Mapping;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Region lifecycle by sysfs writes, in the order of ndctl's create-region/destroy-region
 * (shared/docs/kernel-abi.md §8). Operations under one root decoder are serialized (no delete
 * while a create is in flight); a create that fails part way undoes what it wrote, in reverse,
 * and reports the attribute and errno that failed. Regions guarded by a handoff, or locked by the
 * kernel, are not destroyed or disabled.
 */
public final class RegionControl {
    private static final Logger LOG = LoggerFactory.getLogger(RegionControl.class);
    static final long ALIGN = 256L << 20;

    private static final String DRIVER = "cxl_region";

    private final SysfsAttributes sysfs;
    private final Snapshots snapshots;
    private final MemdevControl.Guard guard;
    private final RegionJournal journal;
    private final Map<String, Object> rootLocks = new ConcurrentHashMap<>();

    /** Without a journal: changes are not recorded, so none killed midway is recovered (tests). */
    public RegionControl(SysfsAttributes sysfs, Snapshots snapshots, MemdevControl.Guard guard) {
        this(sysfs, snapshots, guard, RegionJournal.none());
    }

    /** Creates and destroys recorded in {@code journal} while under way, so that {@link #recover} can end them at start. */
    public RegionControl(SysfsAttributes sysfs, Snapshots snapshots, MemdevControl.Guard guard, RegionJournal journal) {
        this.sysfs = sysfs;
        this.snapshots = snapshots;
        this.guard = guard;
        this.journal = journal;
    }

    /** What create-region was asked: null fields take their defaults. */
    public record CreateRequest(String root, String type, Integer ways, Integer granularity, Long size, List<String> memdevs,
            String uuid) {
        public CreateRequest(String root, String type, Integer ways, Integer granularity, Long size, List<String> memdevs) {
            this(root, type, ways, granularity, size, memdevs, null);
        }
    }

    public ObjectNode create(CreateRequest q) {
        return create(q, null);
    }

    /**
     * Creates the region {@code q} asks for; {@code forHandoff}: the memdev whose attach-region
     * --create asks, whose journal entry then stays until {@link #settled} (null: create-region).
     */
    private ObjectNode create(CreateRequest q, String forHandoff) {
        Topology t = snapshots.fresh().topology();
        if (!"ram".equals(q.type()) && !"pmem".equals(q.type())) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "create-region: type must be ram or pmem, not " + q.type());
        }
        if (q.memdevs().isEmpty()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "create-region: name at least one memdev");
        }
        List<Memdev> memdevs = new ArrayList<>();
        for (String name : q.memdevs()) {
            Memdev m = MemdevControl.find(t, name);
            if (!m.enabled() || m.endpoint() == null) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "create-region: " + name + " is not enabled");
            }
            memdevs.add(m);
        }
        Decoder root = q.root() != null ? rootDecoder(t, q.root()) : t.decoders().stream()
                .filter(d -> d.kind() == DecoderKind.ROOT && Boolean.TRUE.equals(q.type().equals("ram") ? d.capRam() : d.capPmem()))
                .findFirst().orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "create-region: no root decoder can map "
                        + q.type() + "; name one with -d"));
        int ways = q.ways() != null ? q.ways() : memdevs.size();
        if (ways != memdevs.size()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "create-region: " + ways + " ways need " + ways + " memdevs, "
                    + memdevs.size() + " named");
        }
        int granularity = q.granularity() != null ? q.granularity()
                : root.interleaveWays() != null && root.interleaveWays() > 1 && root.interleaveGranularity() != null
                        ? root.interleaveGranularity() : 256;
        long perDevice;
        if (q.size() != null) {
            if (q.size() <= 0 || q.size() % (ALIGN * ways) != 0) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "create-region: size " + q.size() + " must be a positive"
                        + " multiple of 256 MiB x " + ways + " ways");
            }
            perDevice = q.size() / ways;
        } else {
            perDevice = memdevs.stream().mapToLong(m -> free(t, m, q.type())).min().orElse(0) / ALIGN * ALIGN;
            if (perDevice <= 0) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "create-region: no free " + q.type() + " capacity on "
                        + String.join(", ", q.memdevs()));
            }
        }
        synchronized (lock(root.decoder())) {
            // free decoders from a snapshot taken under the lock: a create that just finished
            // under this root has taken its decoders
            Topology now = snapshots.fresh().topology();
            List<String> decoders = new ArrayList<>();
            for (Memdev m : memdevs) {
                decoders.add(freeDecoder(now, now.memdev(m.memdev()).orElse(m)));
            }
            Deque<Runnable> undo = new ArrayDeque<>();
            Path create = sysfs.device(root.decoder(), "create_" + q.type() + "_region");
            String name = sysfs.read(create);
            begin(new RegionJournal.Entry(RegionJournal.Op.CREATE, name, root.decoder(), q.type(), decoders, forHandoff,
                    java.time.Instant.now().toString()));
            try {
                write(create, name, "create " + name);
                undo.push(() -> quietly(sysfs.device(root.decoder(), "delete_region"), name));
                if (q.type().equals("pmem")) {
                    write(sysfs.device(name, "uuid"), q.uuid() != null ? q.uuid() : UUID.randomUUID().toString(),
                            "set the uuid of " + name);
                }
                write(sysfs.device(name, "interleave_granularity"), Integer.toString(granularity),
                        "set " + name + "'s granularity");
                write(sysfs.device(name, "interleave_ways"), Integer.toString(ways), "set " + name + "'s ways");
                write(sysfs.device(name, "size"), "0x" + Long.toHexString(perDevice * ways), "size " + name);
                for (int i = 0; i < memdevs.size(); i++) {
                    String dec = decoders.get(i);
                    String mode = sysfs.read(sysfs.device(dec, "mode"));
                    if (!q.type().equals(mode)) {
                        write(sysfs.device(dec, "mode"), q.type(), "set " + dec + "'s mode");
                    }
                    Path dpa = sysfs.device(dec, "dpa_size");
                    write(dpa, "0x" + Long.toHexString(perDevice), "allocate DPA on " + dec);
                    undo.push(() -> quietly(dpa, "0"));
                    Path target = sysfs.device(name, "target" + i);
                    write(target, dec, "attach " + dec + " to " + name + " at position " + i);
                    undo.push(() -> quietly(target, ""));
                }
                Path commit = sysfs.device(name, "commit");
                write(commit, "1", "commit " + name);
                undo.push(() -> quietly(commit, "0"));
                sysfs.bind(DRIVER, name, "enable " + name);
            } catch (Refusal failure) {
                rollback(undo);
                boolean gone = snapshots.fresh().topology().region(name).isEmpty();
                if (gone) {
                    settled(name);
                } // else the entry stays: the next start undoes what the rollback could not
                throw failure.adding("; what was written before was undone" + (gone ? "" : ", but " + name
                        + " is still there: destroy-region it, or cxld undoes it at its next start"));
            }
            if (forHandoff == null) {
                settled(name);
            }
            LOG.info("created {} ({} x {} under {})", name, ways, perDevice, root.decoder());
            return describe(name);
        }
    }

    /**
     * For attach-region --create: a memdev without any region gets a single-target region of all
     * its free capacity (ram when it has a volatile partition, else pmem) on the first root decoder
     * that can map it. A memdev that has a region keeps it; the attach policy then decides as always.
     * The region it created, if any: its create stays in the journal until the caller says it is
     * {@link #settled} (the handoff saved, or refused and the region destroyed), so a crash before
     * then destroys it at the next start.
     */
    public java.util.Optional<String> createIfNone(String memdev) {
        Topology t = snapshots.fresh().topology();
        if (AttachPolicy.decide(t, memdev, java.util.Set.of()) instanceof AttachPolicy.Refused r
                && r.rule() == AttachPolicy.Rule.NO_REGION) {
            Memdev m = MemdevControl.find(t, memdev);
            String type = m.ramSize() != null && m.ramSize() > 0 ? "ram" : "pmem";
            return java.util.Optional.of(create(new CreateRequest(null, type, 1, null, null, List.of(memdev)), memdev)
                    .get("region").asText());
        }
        return java.util.Optional.empty();
    }

    /**
     * Destroys {@code name} (forced: unbound first) if it is still the region at {@code resource}
     * with {@code size}; false, touching nothing, when there is no such region. For a region cxld
     * created for a handoff, once the handoff has ended.
     */
    public boolean destroyIfSame(String name, long resource, long size) {
        java.util.Optional<Region> seen = snapshots.fresh().topology().region(name);
        if (seen.isEmpty()) {
            return false;
        }
        try (MemdevControl.Guard.Claim claim = guard.claim(name, "destroy-region")) {
            synchronized (lock(seen.get().rootDecoder())) {
                java.util.Optional<Region> r = snapshots.fresh().topology().region(name); // no create under this root meanwhile
                if (r.isEmpty() || r.get().resource() == null || r.get().size() == null || r.get().resource() != resource
                        || r.get().size() != size) {
                    return false;
                }
                journaledTearDown(checkDestroy(name, true));
            }
        }
        return true;
    }

    /**
     * destroy-region: tears a region down (unbind, decommit, detach targets, free DPA highest
     * decoder first, delete), recorded in the journal while under way, so that a destroy killed
     * midway is finished at the next start.
     */
    public ObjectNode destroy(String name, boolean force) {
        try (MemdevControl.Guard.Claim claim = guard.claim(name, "destroy-region")) {
            Region r = checkDestroy(name, force);
            synchronized (lock(r.rootDecoder())) {
                journaledTearDown(r);
            }
        }
        return destroyed(name);
    }

    /** Tears {@code r} down, recorded in the journal meanwhile; the caller holds its claim and its root decoder's lock. */
    private void journaledTearDown(Region r) {
        begin(new RegionJournal.Entry(RegionJournal.Op.DESTROY, r.region(), r.rootDecoder(), r.type(),
                r.mappings().stream().map(Mapping::decoder).toList(), null, java.time.Instant.now().toString()));
        tearDown(r);
        settled(r.region());
    }

    /**
     * Destroys (forced) a region whose create is still in the journal: an attach-region --create
     * that was refused. A crash meanwhile is covered by that create's entry (rolled back at start).
     */
    public void undoCreate(String name) {
        tearDownForced(name);
    }

    /** A forced destroy, not journaled: for a region whose journal entry is already there. */
    private void tearDownForced(String name) {
        try (MemdevControl.Guard.Claim claim = guard.claim(name, "destroy-region")) {
            Region r = checkDestroy(name, true);
            synchronized (lock(r.rootDecoder())) {
                tearDown(r);
            }
        }
    }

    /** The region to destroy, checked; the caller holds the guard's claim on it. */
    private Region checkDestroy(String name, boolean force) {
        Region r = region(snapshots.fresh().topology(), name);
        if (Boolean.TRUE.equals(r.locked())) {
            throw new Refusal(ErrorCode.LOCKED, name + " is locked by the kernel (regionZ/locked): it cannot be destroyed");
        }
        refuseOutOfOrder(snapshots.fresh().topology(), r);
        if (r.enabled() && !force) {
            throw new Refusal(ErrorCode.IN_USE, name + " is enabled: its memory may be in use; disable it first or force");
        }
        return r;
    }

    /** The writes of a destroy, in the kernel's order; the caller holds the root decoder's lock. */
    private void tearDown(Region r) {
        String name = r.region();
        if (r.enabled()) {
            sysfs.unbind(DRIVER, name, "disable " + name);
        }
        if (Boolean.TRUE.equals(r.committed())) {
            write(sysfs.device(name, "commit"), "0", "decommit " + name);
        }
        List<String> decoders = new ArrayList<>();
        for (Mapping m : r.mappings()) {
            write(sysfs.device(name, "target" + m.position()), "", "detach " + m.decoder() + " from " + name);
            decoders.add(m.decoder());
        }
        decoders.sort(Comparator.comparingLong(Decoder::instanceOf).reversed());
        for (String d : decoders) {
            write(sysfs.device(d, "dpa_size"), "0", "free the DPA of " + d);
        }
        write(sysfs.device(r.rootDecoder(), "delete_region"), name, "delete " + name);
        LOG.info("destroyed {}", name);
    }

    private static ObjectNode destroyed(String name) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("region", name);
        o.put("destroyed", true);
        return o;
    }

    /**
     * DPA is freed in reverse decoder order: a region whose endpoint decoder on some memdev has a
     * later decoder with DPA (another region's, or a reservation) cannot free its own, so it is
     * not torn down at all (ndctl v85's "destroy blocked"), rather than decommitted half way.
     */
    private static void refuseOutOfOrder(Topology t, Region r) {
        for (Mapping m : r.mappings()) {
            Decoder own = t.decoder(m.decoder()).orElse(null);
            if (own == null) {
                continue;
            }
            t.decoders().stream()
                    .filter(d -> d.kind() == DecoderKind.ENDPOINT && own.port().equals(d.port()))
                    .filter(d -> d.instance() > own.instance() && d.dpaSize() != null && d.dpaSize() > 0)
                    .min(Comparator.comparingLong(Decoder::instance))
                    .ifPresent(later -> {
                        throw new Refusal(ErrorCode.IN_USE, r.region() + ": destroy blocked, " + own.decoder()
                                + " still has later active decoder " + later.decoder() + " on " + m.memdev()
                                + (later.region() != null ? " (" + later.region() + "): destroy that first" : ""));
                    });
        }
    }

    public ObjectNode enable(String name) {
        Region r = region(snapshots.fresh().topology(), name);
        synchronized (lock(r.rootDecoder())) {
            if (!r.enabled()) {
                sysfs.bind(DRIVER, name, "enable " + name);
            }
        }
        return describe(name);
    }

    public ObjectNode disable(String name) {
        Region r = region(snapshots.fresh().topology(), name);
        try (MemdevControl.Guard.Claim claim = guard.claim(name, "disable-region")) {
            synchronized (lock(r.rootDecoder())) {
                if (r.enabled()) {
                    sysfs.unbind(DRIVER, name, "disable " + name);
                }
            }
        }
        return describe(name);
    }

    /** The region as it now is. */
    private ObjectNode describe(String name) {
        Region r = region(snapshots.fresh().topology(), name);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("region", r.region());
        o.put("root_decoder", r.rootDecoder());
        if (r.resource() != null) {
            o.put("resource", r.resource());
        }
        if (r.size() != null) {
            o.put("size", r.size());
        }
        o.put("type", r.type());
        o.put("interleave_ways", r.interleaveWays());
        o.put("interleave_granularity", r.interleaveGranularity());
        o.put("committed", Boolean.TRUE.equals(r.committed()));
        o.put("enabled", r.enabled());
        ArrayNode maps = o.putArray("mappings");
        for (Mapping m : r.mappings()) {
            maps.addObject().put("position", m.position()).put("memdev", m.memdev()).put("decoder", m.decoder());
        }
        return o;
    }

    static Region region(Topology t, String name) {
        return t.region(name).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "region " + name + " not found; this host has "
                + (t.regions().isEmpty() ? "no regions" : t.regions().stream().map(Region::region).collect(Collectors.joining(", ")))));
    }

    static Decoder rootDecoder(Topology t, String name) {
        Decoder d = t.decoder(name).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "decoder " + name + " not found"));
        if (d.kind() != DecoderKind.ROOT) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, name + " is not a root decoder");
        }
        return d;
    }

    /** Bytes of {@code type} partition not yet given to an endpoint decoder. */
    static long free(Topology t, Memdev m, String type) {
        long total = "ram".equals(type) ? (m.ramSize() == null ? 0 : m.ramSize()) : (m.pmemSize() == null ? 0 : m.pmemSize());
        long used = t.decoders().stream().filter(d -> d.kind() == DecoderKind.ENDPOINT && m.endpoint().equals(d.port()))
                .filter(d -> type.equals(d.mode()) && d.dpaSize() != null).mapToLong(Decoder::dpaSize).sum();
        return Math.max(0, total - used);
    }

    /** The memdev's lowest endpoint decoder without DPA (DPA is allocated in decoder order). */
    static String freeDecoder(Topology t, Memdev m) {
        return t.decoders().stream().filter(d -> d.kind() == DecoderKind.ENDPOINT && m.endpoint().equals(d.port()))
                .filter(d -> d.dpaSize() == null || d.dpaSize() == 0)
                .min(Comparator.comparingLong(Decoder::instance))
                .map(Decoder::decoder)
                .orElseThrow(() -> new Refusal(ErrorCode.IN_USE, m.memdev() + " has no free endpoint decoder on "
                        + m.endpoint()));
    }

    /**
     * What became of a create or destroy an earlier cxld left under way.
     *
     * @param region the region it was making or destroying
     * @param asked what was asked (create-region, attach-region --create of a memdev, or destroy-region)
     * @param outcome {@code finished}, {@code rolled back}, {@code nothing to undo}, {@code left alone}
     *     (a region by that name that is not the one cxld was making or destroying) or
     *     {@code failed} (kept, tried again at the next start)
     * @param detail what was found and done
     */
    public record Recovery(String region, String asked, String outcome, String detail) {
        public boolean failed() {
            return outcome.equals("failed");
        }
    }

    /**
     * At start, before anything is served: ends each create and destroy an earlier cxld left under
     * way. A region never made, or no longer there, has nothing to undo but DPA its decoders were
     * given; a region by that name under another root decoder or with targets cxld did not choose
     * is left alone (someone else made it); a region made for a handoff is kept when
     * {@code handedOff} holds it (the handoff was saved) and destroyed otherwise (the attach was
     * never acknowledged); a create-region that got as far as the commit is finished (enabled when
     * it was not yet), one that did not is rolled back; a destroy is finished. A recovery the kernel
     * refuses keeps its entry and is tried again at the next start.
     */
    public List<Recovery> recover(java.util.function.Predicate<String> handedOff) throws java.io.IOException {
        List<Recovery> done = new ArrayList<>();
        for (RegionJournal.Entry e : journal.load()) {
            Recovery r;
            try {
                r = recover(e, handedOff);
            } catch (Refusal failure) {
                r = new Recovery(e.region(), e.asked(), "failed", failure.getMessage()
                        + "; kept, to be tried again at the next start (or destroy-region it)");
            }
            if (r.failed()) {
                LOG.error("{} of {}, under way when cxld stopped: {}: {}", r.asked(), r.region(), r.outcome(), r.detail());
            } else {
                settled(e.region());
                LOG.warn("{} of {}, under way when cxld stopped: {}: {}", r.asked(), r.region(), r.outcome(), r.detail());
            }
            done.add(r);
        }
        return done;
    }

    private Recovery recover(RegionJournal.Entry e, java.util.function.Predicate<String> handedOff) {
        Topology t = snapshots.fresh().topology();
        java.util.Optional<Region> found = t.region(e.region());
        if (e.op() == RegionJournal.Op.DESTROY) {
            return recoverDestroy(e, t, found);
        }
        if (found.isEmpty()) {
            String freed = freeOrphanDpa(t, e);
            return new Recovery(e.region(), e.asked(), freed.isEmpty() ? "nothing to undo" : "rolled back",
                    e.region() + " was never made, or is gone" + freed);
        }
        Region r = found.get();
        java.util.Optional<Recovery> other = another(e, r);
        if (other.isPresent()) {
            return other.get();
        }
        boolean committed = Boolean.TRUE.equals(r.committed());
        if (e.forHandoff() != null) {
            if (handedOff.test(e.region())) {
                return new Recovery(e.region(), e.asked(), "finished", "the handoff of " + e.forHandoff() + " holds "
                        + e.region() + ": it was saved before cxld stopped");
            }
            return new Recovery(e.region(), e.asked(), "rolled back", "the attach was never acknowledged: "
                    + e.region() + " (" + (committed ? "committed" : "not committed") + ") was destroyed"
                    + tearDownWithOrphans(t, e));
        }
        if (committed) {
            if (!r.enabled()) {
                synchronized (lock(r.rootDecoder())) {
                    sysfs.bind(DRIVER, e.region(), "enable " + e.region());
                }
                return new Recovery(e.region(), e.asked(), "finished", e.region() + " was committed but not enabled:"
                        + " enabled now");
            }
            return new Recovery(e.region(), e.asked(), "finished", e.region() + " was committed and enabled");
        }
        return new Recovery(e.region(), e.asked(), "rolled back", e.region() + " was not committed yet: destroyed"
                + tearDownWithOrphans(t, e));
    }

    /**
     * A destroy killed midway is finished: what is left of the region (commit, targets, DPA) is
     * torn down and it is deleted.
     */
    private Recovery recoverDestroy(RegionJournal.Entry e, Topology t, java.util.Optional<Region> found) {
        if (found.isEmpty()) {
            return new Recovery(e.region(), e.asked(), "finished", e.region() + " was deleted already"
                    + freeOrphanDpa(t, e));
        }
        java.util.Optional<Recovery> other = another(e, found.get());
        if (other.isPresent()) {
            return other.get();
        }
        return new Recovery(e.region(), e.asked(), "finished", "what was left of " + e.region() + " ("
                + (Boolean.TRUE.equals(found.get().committed()) ? "committed" : "decommitted") + ", "
                + found.get().mappings().size() + " target(s)) was torn down and deleted" + tearDownWithOrphans(t, e));
    }

    /** "left alone" when {@code r} is not the region of {@code e}: under another root decoder, or with targets it did not have. */
    private static java.util.Optional<Recovery> another(RegionJournal.Entry e, Region r) {
        List<String> foreign = r.mappings().stream().map(Mapping::decoder).filter(d -> !e.decoders().contains(d)).toList();
        if (r.rootDecoder().equals(e.root()) && foreign.isEmpty()) {
            return java.util.Optional.empty();
        }
        String what = e.op() == RegionJournal.Op.DESTROY ? "destroying" : "making";
        return java.util.Optional.of(new Recovery(e.region(), e.asked(), "left alone", e.region()
                + " is not the region cxld was " + what + " (" + (!r.rootDecoder().equals(e.root()) ? "it is under "
                        + r.rootDecoder() + ", not " + e.root() : "it has " + String.join(", ", foreign) + ", which "
                        + (e.op() == RegionJournal.Op.DESTROY ? "it did not have" : "cxld did not choose")) + ")"));
    }

    /**
     * Destroys the region of {@code e} (forced), after freeing the DPA of its decoders that no region
     * took: those first, as decoders are freed highest first. What it freed, as a clause.
     */
    private String tearDownWithOrphans(Topology t, RegionJournal.Entry e) {
        String freed = freeOrphanDpa(t, e);
        tearDownForced(e.region());
        return freed;
    }

    /**
     * Frees the DPA given to decoders of {@code e} that no region took (a create killed between a
     * decoder's dpa_size and its target write), highest first; what it freed, as a clause.
     */
    private String freeOrphanDpa(Topology t, RegionJournal.Entry e) {
        List<Decoder> orphans = e.decoders().stream().map(t::decoder).flatMap(java.util.Optional::stream)
                .filter(d -> d.region() == null && d.dpaSize() != null && d.dpaSize() > 0)
                .sorted(Comparator.comparingLong(Decoder::instance).reversed()).toList();
        for (Decoder d : orphans) {
            write(sysfs.device(d.decoder(), "dpa_size"), "0", "free the DPA of " + d.decoder());
        }
        return orphans.isEmpty() ? "" : "; the DPA given to " + orphans.stream().map(Decoder::decoder)
                .collect(Collectors.joining(", ")) + " was freed";
    }

    /** Records a change about to start; a journal that cannot be written refuses it, before anything is written. */
    private void begin(RegionJournal.Entry e) {
        try {
            journal.begin(e);
        } catch (java.io.IOException failure) {
            throw new Refusal(ErrorCode.UNAVAILABLE, e.asked() + ": cannot record the " + (e.op() == RegionJournal.Op.DESTROY
                    ? "destroy" : "create") + " of " + e.region() + " in "
                    + journal.file().map(Path::toString).orElse("the state directory") + " ("
                    + dev.cxld.daemon.errors.IoErrors.describe(failure) + "), so a crash could not be undone: nothing was"
                    + " written");
        }
    }

    /**
     * The change of {@code region} is over: done, undone, or (a region made for a handoff) the
     * handoff is saved or refused. Its journal entry goes.
     */
    public void settled(String region) {
        if (!journal.end(region)) {
            LOG.warn("cannot remove the change of {} from {}: the next start will find it done", region,
                    journal.file().map(Path::toString).orElse("the journal"));
        }
    }

    private Object lock(String root) {
        return rootLocks.computeIfAbsent(root, k -> new Object());
    }

    /** Region attributes are written as a line, as ndctl writes them. */
    private void write(Path attribute, String value, String what) {
        sysfs.write(attribute, value + "\n", what);
    }

    private void quietly(Path attribute, String value) {
        sysfs.tryWrite(attribute, value + "\n").ifPresent(failure -> LOG.warn("undo: {}", failure));
    }

    private static void rollback(Deque<Runnable> undo) {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
    }
}
