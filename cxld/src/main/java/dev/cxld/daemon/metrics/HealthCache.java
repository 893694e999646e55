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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HealthCache.class);
    /** A device that could not say is asked again after this long, not after maxAge. */
    private static final long RETRY_NANOS = 10_000_000_000L;

    private record Reading(long atNanos, JsonNode health, String failure) {}

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
        if (r == null || now - r.atNanos() > (r.health() == null ? RETRY_NANOS : maxAgeNanos)) {
            JsonNode h;
            String failure = null;
            try {
                h = read.apply(memdev);
                if (h == null) {
                    failure = "no health reported (disabled, or Get Health Info unsupported)";
                }
            } catch (RuntimeException e) {
                h = null;
                failure = String.valueOf(e.getMessage());
            }
            if (failure != null && (r == null || !failure.equals(r.failure()))) {
                LOG.warn("{}: health for the metrics unavailable: {}", memdev, failure);
            }
            r = new Reading(now, h, failure);
            readings.put(memdev, r);
        }
        return r.health();
    }
}
