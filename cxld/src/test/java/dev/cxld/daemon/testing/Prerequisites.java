package dev.cxld.daemon.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a test needs from the machine (root, gcc, setpriv, systemd-analyze). On a developer's
 * machine a missing prerequisite skips the test and says why; in CI ({@code CI=true}, where
 * test/install-deps has installed everything) it fails, so a skip can never hide a failure there.
 */
public final class Prerequisites {
    private Prerequisites() {}

    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true and this test " + what + ", which this machine lacks: test/install-deps should have provided it");
        }
        assumeTrue(false, what);
    }
}
