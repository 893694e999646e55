package dev.cxld.daemon.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * wait-sanitize, as ndctl's {@code cxl wait-sanitize} (libcxl's {@code cxl_memdev_wait_sanitize}):
 * while a memdev's {@code security/state} reads {@code sanitize}, wait until it reads anything
 * else, or until the timeout. A memdev without the attribute (no security support) or not
 * sanitizing is answered at once. The state is read every 50 ms: the kernel's completion is
 * sysfs_notify'd, but polling keeps this in the sysfs layer without a native poll(2).
 */
public final class SanitizeWait {
    private static final long PERIOD_MS = 50;

    private final SysfsAttributes sysfs;
    private final Snapshots snapshots;

    public SanitizeWait(SysfsAttributes sysfs, Snapshots snapshots) {
        this.sysfs = sysfs;
        this.snapshots = snapshots;
    }

    /** Waits for {@code memdev}'s sanitize to end; {@code timeoutMs} null or negative waits for ever. */
    public ObjectNode await(String memdev, Long timeoutMs) {
        MemdevControl.find(snapshots.fresh().topology(), memdev);
        Path state = sysfs.device(memdev, "security/state");
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("memdev", memdev);
        if (!Files.exists(state)) {
            o.put("sanitizing", false);
            o.put("waited_ms", 0);
            return o;
        }
        long start = System.nanoTime();
        boolean was = sysfs.read(state).startsWith("sanitize");
        String now = was ? "sanitize" : sysfs.read(state);
        while (now.startsWith("sanitize")) {
            long waited = (System.nanoTime() - start) / 1_000_000;
            if (timeoutMs != null && timeoutMs >= 0 && waited >= timeoutMs) {
                throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": sanitize timeout: still sanitizing after "
                        + waited + " ms");
            }
            try {
                Thread.sleep(timeoutMs == null || timeoutMs < 0 ? PERIOD_MS : Math.min(PERIOD_MS, Math.max(1, timeoutMs - waited)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": wait-sanitize interrupted (cxld is stopping)");
            }
            if (!Files.exists(state)) {
                throw new Refusal(ErrorCode.NOT_FOUND, memdev + ": gone while sanitizing");
            }
            now = sysfs.read(state);
        }
        o.put("sanitizing", was);
        o.put("state", now);
        o.put("waited_ms", (System.nanoTime() - start) / 1_000_000);
        return o;
    }
}
