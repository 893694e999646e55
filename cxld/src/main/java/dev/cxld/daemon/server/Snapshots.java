package dev.cxld.daemon.server;

import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.protocol.model.Topology;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The daemon's current topology snapshot. {@link #fresh()} rescans before answering, so every
 * change the kernel made before a request was sent is in its answer; concurrent readers always
 * see one whole snapshot.
 */
public final class Snapshots {
    private final CxlSysfs sysfs;
    private final AtomicReference<Topology> current = new AtomicReference<>();

    public Snapshots(CxlSysfs sysfs) {
        this.sysfs = sysfs;
        current.set(sysfs.scan());
    }

    /** The last snapshot taken. */
    public Topology current() {
        return current.get();
    }

    /** A new snapshot, which also becomes the current one. */
    public Topology fresh() {
        Topology t = sysfs.scan();
        current.set(t);
        return t;
    }
}
