package dev.cxld.daemon.live;

import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.events.TopologyDiff;
import dev.cxld.daemon.sysfs.AttributeWatch;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.DeviceNames;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's topology snapshot, kept fresh.
 *
 * <p>On a live {@code /sys}, uevents name the devices that came, went or changed driver; only
 * those are listed and read again ({@link CxlSysfs#refresh}). Before answering a request,
 * {@link #fresh()} compares {@code /sys/kernel/uevent_seqnum} with the last uevent seen: if the
 * kernel is ahead, it waits briefly for the listener, and rescans everything if the listener does
 * not catch up. The configuration the kernel changes without any uevent (region and decoder
 * programming, commit) is read again for every request, so a sysfs write made before a request
 * is always in its answer. On any other root (a captured tree) every request rescans.
 *
 * <p>Every new snapshot is compared with the previous one and the differences go to the
 * {@link EventBus}; a periodic full rescan catches anything else.
 */
public final class Snapshots implements UeventListener.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    /** How long a request waits for the listener to apply uevents the kernel has already sent. */
    static final long CATCH_UP_MS = 1000;

    private final CxlSysfs sysfs;
    private final Clock clock;
    private final EventBus bus;
    private final boolean followUevents;
    /** The reader's watch of attribute writes (null: none; configuration is read for every request). */
    private final AttributeWatch watch;

    private CxlSysfs.Reading reading;
    private volatile Taken current;
    private final Set<String> dirty = new HashSet<>();
    /** Whether a uevent in {@code dirty} may have added or removed a device (anything but change, bind, unbind). */
    private boolean devicesMoved;
    private static final Set<String> STAYING = Set.of("change", "bind", "unbind", "online", "offline");
    private boolean lost;
    private long applied;
    private long lastUevent;
    private long fullScans;
    private long incremental;
    private long uevents;
    private long unchanged;

    private final java.util.List<java.util.function.Consumer<Taken>> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Watchers run here, in snapshot order, outside the snapshot lock (they may ask for snapshots). */
    private final java.util.concurrent.ExecutorService watching = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cxld-watchers");
        t.setDaemon(true);
        return t;
    });

    /**
     * Calls {@code w} with every new snapshot, in order, on one thread of its own. A watcher may
     * also take snapshots itself, so it may be handed one older than it has already seen: compare
     * {@link Taken#startedNanos()}.
     */
    public void watch(java.util.function.Consumer<Taken> w) {
        watchers.add(w);
    }

    /** A snapshot, when it was taken, and when its reading started (System.nanoTime). */
    public record Taken(Topology topology, Instant at, long startedNanos) {}

    /**
     * Counters for status; {@code writesWatched} is how many objects the attribute watch covers
     * (-1: no watch), {@code unchanged} how many requests found nothing changed and read nothing.
     */
    public record Stats(boolean live, long applied, long lastUevent, long uevents, long fullScans, long incremental,
            int writesWatched, String watchBroken, long unchanged) {}

    /**
     * @param followUevents uevents drive refreshes, checked against the tree's
     *     {@code kernel/uevent_seqnum}; false when every request rescans (not a kernel's sysfs)
     */
    public Snapshots(CxlSysfs sysfs, Clock clock, EventBus bus, boolean followUevents) {
        this(sysfs, clock, bus, followUevents, null);
    }

    /**
     * @param watch the attribute watch {@code sysfs} reads with (null: none): with uevents, a
     *     request then reads only what uevents and attribute writes name, and nothing at all when
     *     nothing changed
     */
    public Snapshots(CxlSysfs sysfs, Clock clock, EventBus bus, boolean followUevents, AttributeWatch watch) {
        this.watch = followUevents ? watch : null;
        this.sysfs = sysfs;
        this.clock = clock;
        this.bus = bus;
        this.followUevents = followUevents;
        synchronized (this) {
            applied = followUevents ? Math.max(0, kernelSeqnum()) : 0;
            long started = System.nanoTime();
            if (watch != null) {
                watch.drain(); // what was written before this first reading is in it
            }
            reading = sysfs.read();
            fullScans++;
            current = new Taken(reading.topology(), clock.instant(), started);
        }
    }

    /** A snapshot of a tree that no uevents describe: every request rescans. */
    public Snapshots(CxlSysfs sysfs, Clock clock, EventBus bus) {
        this(sysfs, clock, bus, false);
    }

    /** The last snapshot taken. */
    public Taken current() {
        return current;
    }

    /**
     * A snapshot that holds every change the kernel made before this call: what a request
     * answers from.
     */
    public Taken fresh() {
        long asked = System.nanoTime();
        if (!followUevents) {
            return refresh(asked, true);
        }
        long kernel = kernelSeqnum();
        synchronized (this) {
            if (kernel < 0) {
                lost = true;
            }
            long deadline = asked + CATCH_UP_MS * 1_000_000;
            while (applied < kernel && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (applied < kernel) {
                LOG.warn("uevent listener is behind the kernel ({} < {}); rescanning everything", applied, kernel);
                lost = true;
                applied = kernel;
            }
            return refresh(asked, false);
        }
    }

    /** Rescans everything now (the periodic safety net). */
    public Taken rescan() {
        return refresh(System.nanoTime(), true);
    }

    /** Applies the uevents received so far (called shortly after they arrive). */
    public Taken applyPending() {
        synchronized (this) {
            AttributeWatch.Written written = drainWatch();
            if (dirty.isEmpty() && !lost && written != null && written.names().isEmpty()) {
                return current;
            }
            return refresh(System.nanoTime(), false, written);
        }
    }

    private synchronized Taken refresh(long asked, boolean full) {
        return refresh(asked, full, full ? null : drainWatch());
    }

    /** What the attribute watch saw written since the last call; null without a watch (everything may have changed). */
    private AttributeWatch.Written drainWatch() {
        if (watch == null || watch.broken() != null) {
            return null;
        }
        AttributeWatch.Written w = watch.drain();
        if (w.lost()) {
            LOG.warn("attribute writes were lost (inotify overflow); rescanning everything");
            lost = true;
        }
        return w;
    }

    private synchronized Taken refresh(long asked, boolean full, AttributeWatch.Written written) {
        if (current.startedNanos() >= asked && dirty.isEmpty() && !lost
                && (written == null || written.names().isEmpty())) {
            return current; // a reading that began after the caller asked: already fresh enough
        }
        if (!full && !lost && dirty.isEmpty() && written != null && written.names().isEmpty()) {
            unchanged++;
            return current; // no uevent, no attribute written: nothing the kernel shows has changed
        }
        long started = System.nanoTime();
        boolean whole = full || lost;
        if (whole) {
            if (watch != null) {
                watch.drain(); // this reading holds what was written before it
            }
            reading = sysfs.read();
            fullScans++;
        } else {
            reading = sysfs.refresh(reading, Set.copyOf(dirty), written == null ? null : written.names(), devicesMoved);
            incremental++;
        }
        dirty.clear();
        devicesMoved = false;
        lost = false;
        RefreshTimer t = timer;
        if (t != null) {
            t.refreshed(whole ? "full" : "incremental", System.nanoTime() - started);
        }
        Topology before = current.topology();
        current = new Taken(reading.topology(), clock.instant(), started);
        bus.publish(TopologyDiff.between(before, current.topology()));
        Taken now = current;
        for (java.util.function.Consumer<Taken> w : watchers) {
            watching.execute(() -> w.accept(now));
        }
        return current;
    }

    /** Told how long each reading of sysfs took (metrics). */
    public interface RefreshTimer {
        void refreshed(String kind, long nanos);
    }

    private volatile RefreshTimer timer;

    public void timer(RefreshTimer t) {
        this.timer = t;
    }

    public synchronized Stats stats() {
        return new Stats(followUevents, applied, lastUevent, uevents, fullScans, incremental,
                watch == null ? -1 : watch.size(), watch == null ? null : watch.broken(), unchanged);
    }

    @Override
    public synchronized void uevent(Uevent u) {
        uevents++;
        lastUevent = Math.max(lastUevent, u.seqnum());
        applied = Math.max(applied, u.seqnum());
        dirty.add(u.deviceName());
        devicesMoved |= !STAYING.contains(u.action());
        for (String part : u.devpath().split("/")) {
            if (DeviceNames.isCxlObject(part)) {
                dirty.add(part);
            }
        }
        notifyAll();
    }

    @Override
    public synchronized void seen(long seqnum) {
        applied = Math.max(applied, seqnum);
        notifyAll();
    }

    @Override
    public synchronized void lost(String why) {
        lost = true;
        notifyAll();
    }

    private long kernelSeqnum() {
        try {
            return sysfs.ueventSeqnum();
        } catch (IOException e) {
            LOG.warn("cannot read the uevent seqnum: {}; rescanning everything", e.getMessage());
            return -1;
        }
    }
}
