package dev.cxld.daemon.testing;

import java.util.List;

/**
 * The operations anyone who can connect may use by default; every other operation needs root or
 * the admin group. Tests pin the daemon's table to this list: changing it is a security review.
 */
public final class ReadingOperations {
    private ReadingOperations() {}

    public static final List<String> ALL = List.of("hello", "list", "status", "metrics", "monitor", "mailbox-commands", "identify",
            "health", "partition", "fw-info", "alert-config", "logs", "timestamp", "shutdown-state", "wait-sanitize");

    /**
     * Reading operations that reach a device and reveal its data (label contents, media error
     * addresses): by default only root and the admin group may use them (the device policy).
     */
    public static final List<String> ADMIN_DEVICE_READS = List.of("labels-read", "poison");
}
