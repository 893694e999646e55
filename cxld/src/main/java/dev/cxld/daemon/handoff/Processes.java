package dev.cxld.daemon.handoff;

import java.util.OptionalLong;

/** Which processes exist: what process leases are checked against (the daemon wires {@code sysfs.ProcStat}, which reads /proc). */
@FunctionalInterface
public interface Processes {
    /** When process {@code pid} started (clock ticks after boot); empty when there is no such process. */
    OptionalLong startTime(long pid);
}
