package dev.cxld.daemon.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many refusals of one user the log takes: {@link #PER_SECOND} a second, then one line with how
 * many were left out, so a client sending bad requests as fast as it can (a fuzzer, a broken agent)
 * cannot flood the journal; every refusal still gets its answer on the socket.
 */
final class RefusalLog {
    static final int PER_SECOND = 20;

    private record Window(long second, int logged, long skipped) {}

    private final Map<Long, Window> byUser = new ConcurrentHashMap<>();

    /**
     * Null when this refusal of {@code uid} at {@code nanos} is left out of the log; else what to
     * append to its line: empty, or how many of this user's refusals the log left out before it.
     */
    String admit(long uid, long nanos) {
        long second = nanos / 1_000_000_000L;
        String[] out = {null};
        byUser.compute(uid, (k, w) -> {
            if (w == null || w.second() != second) {
                long skipped = w == null ? 0 : w.skipped();
                out[0] = skipped == 0 ? "" : " (" + skipped + " more refusals of this user were not logged)";
                return new Window(second, 1, 0);
            }
            if (w.logged() < PER_SECOND) {
                out[0] = "";
                return new Window(second, w.logged() + 1, w.skipped());
            }
            return new Window(second, w.logged(), w.skipped() + 1);
        });
        if (byUser.size() > 4096) {
            byUser.values().removeIf(w -> w.second() < second - 60);
        }
        return out[0];
    }
}
