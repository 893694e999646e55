package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A user's refusals reach the log at a bounded rate, with a count of those left out. */
class RefusalLogTest {
    @Test
    void aFloodOfRefusalsIsLoggedTwentyASecondThenCounted() {
        RefusalLog log = new RefusalLog();
        long t = 5_000_000_000L;
        int logged = 0;
        for (int i = 0; i < 1000; i++) {
            if (log.admit(1000, t + i) != null) {
                logged++;
            }
        }
        assertThat(logged).isEqualTo(RefusalLog.PER_SECOND);
        // another user is not held back by the first
        assertThat(log.admit(1001, t + 2000)).isEmpty();
        // the next second: logged again, with what was left out
        assertThat(log.admit(1000, t + 1_000_000_000L)).isEqualTo(" (980 more refusals of this user were not logged)");
        assertThat(log.admit(1000, t + 1_000_000_001L)).isEmpty();
    }
}
