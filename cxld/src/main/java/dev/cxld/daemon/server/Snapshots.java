package dev.cxld.daemon.server;

import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.protocol.model.Topology;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The daemon's current topology snapshot. {@link #fresh()} rescans before answering, so every
 * change the kernel made before a request was sent is in its answer; concurrent readers always
 * see one whole snapshot.
 */
public final class Snapshots {
    private final CxlSysfs sysfs;
    private final Clock clock;
    private final AtomicReference<Taken> current = new AtomicReference<>();

    /** A snapshot and when it was taken. */
    public record Taken(Topology topology, Instant at) {}

    public Snapshots(CxlSysfs sysfs, Clock clock) {
        this.sysfs = sysfs;
        this.clock = clock;
        fresh();
    }

    public Snapshots(CxlSysfs sysfs) {
        this(sysfs, Clock.systemUTC());
    }

    /** The last snapshot taken. */
    public Topology current() {
        return current.get().topology();
    }

    /** A new snapshot and its time; it also becomes the current one. */
    public Taken fresh() {
        Taken t = new Taken(sysfs.scan(), clock.instant());
        current.set(t);
        return t;
    }
}
