package dev.cxld.daemon.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-user token buckets for device reads: {@code perSecond} tokens a second, up to twice that
 * saved for a burst. Pure: the caller gives the time.
 */
final class DeviceReadBudget {
    private static final class Bucket {
        double tokens;
        long at;
    }

    private final Map<Long, Bucket> byUser = new ConcurrentHashMap<>();

    /** 0 when {@code uid} may make a device read now (one is taken), else the nanoseconds until one is due. */
    long take(long uid, int perSecond, long nanos) {
        if (perSecond == 0) {
            return 0;
        }
        double burst = 2.0 * perSecond;
        Bucket b = byUser.computeIfAbsent(uid, u -> {
            Bucket n = new Bucket();
            n.tokens = burst;
            n.at = nanos;
            return n;
        });
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (nanos - b.at) / 1e9 * perSecond);
            b.at = nanos;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - b.tokens) / perSecond * 1e9);
        }
    }
}
