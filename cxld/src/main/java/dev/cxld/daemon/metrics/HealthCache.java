package dev.cxld.daemon.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Each memdev's Get Health Info for the metrics, asked of the device at most once per
 * {@code maxAge} however often Prometheus scrapes (a mailbox command costs device time); a memdev
 * whose mailbox failed is not asked again before then either.
 */
public final class HealthCache {
    private record Reading(long atNanos, JsonNode health) {}

    private final Function<String, JsonNode> read;
    private final long maxAgeNanos;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();

    /** @param read the health of a memdev; throws (any RuntimeException) when it cannot be read */
    public HealthCache(Function<String, JsonNode> read, Duration maxAge) {
        this.read = read;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** The health of {@code memdev}, or null when its device could not say. */
    public JsonNode get(String memdev) {
        long now = System.nanoTime();
        Reading r = readings.get(memdev);
        if (r == null || now - r.atNanos() > maxAgeNanos) {
            JsonNode h;
            try {
                h = read.apply(memdev);
            } catch (RuntimeException e) {
                h = null;
            }
            r = new Reading(now, h);
            readings.put(memdev, r);
        }
        return r.health();
    }
}
