package dev.cxld.daemon.server;

import java.time.Duration;

/**
 * What one client may take from the daemon.
 *
 * @param maxConnections connections open at once, in all
 * @param maxPerUser connections open at once from one user (so one user cannot take them all)
 * @param idleTimeout a connection with no request under way is closed after this long
 * @param readTimeout a request line must arrive within this long of its first byte
 * @param device who may read through devices, and how often
 */
public record Limits(int maxConnections, int maxPerUser, Duration idleTimeout, Duration readTimeout, DevicePolicy device) {
    /** 256 in all, 64 per user: an agent with 32 or 64 concurrent queries is served, one user cannot take all. */
    public static final Limits DEFAULT = new Limits(256, 64, Duration.ofSeconds(60), Duration.ofSeconds(10));

    /** With the default device policy. */
    public Limits(int maxConnections, int maxPerUser, Duration idleTimeout, Duration readTimeout) {
        this(maxConnections, maxPerUser, idleTimeout, readTimeout, DevicePolicy.DEFAULT);
    }

    public Limits {
        if (maxConnections < 1 || maxPerUser < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }
}
