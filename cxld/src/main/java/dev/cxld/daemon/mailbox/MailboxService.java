package dev.cxld.daemon.mailbox;

import dev.cxld.daemon.control.MemdevControl;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.daemon.nativeio.MemdevDevice;
import dev.cxld.protocol.ErrorBody;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.model.Memdev;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Mailbox sessions, one memdev at a time each: calls to one device are serialized (the device has
 * one mailbox, and a command sequence like a chunked LSA read must not interleave); calls to
 * different devices run in parallel. Nothing here is touched by plain listing.
 */
public final class MailboxService implements Mailboxes {
    private final Path devRoot;
    private final Snapshots snapshots;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** @param devRoot where {@code cxl/memN} device nodes live ({@code /dev}) */
    public MailboxService(Path devRoot, Snapshots snapshots) {
        this.devRoot = devRoot;
        this.snapshots = snapshots;
    }

    /**
     * Runs {@code work} with {@code memdev}'s mailbox, holding that device's lock. The memdev comes
     * from the current snapshot (a listing with -I asks once per memdev: one refresh for the whole
     * listing, not one per memdev); a memdev not in it yet is looked up in a fresh one.
     */
    private volatile java.util.function.Consumer<String> onError = code -> { };

    /** Told the error code of every mailbox command that failed (metrics). */
    public void onError(java.util.function.Consumer<String> listener) {
        this.onError = listener;
    }

    @Override
    public <T> T with(String memdev, Function<Mailbox, T> work) {
        try {
            return withDevice(memdev, work);
        } catch (Refusal r) {
            ErrorCode c = r.error().code();
            if (c == ErrorCode.DEVICE_ERROR || c == ErrorCode.KERNEL_ERROR) {
                onError.accept(c.name());
            }
            throw r;
        }
    }

    private <T> T withDevice(String memdev, Function<Mailbox, T> work) {
        Memdev m = snapshots.current().topology().memdev(memdev)
                .orElseGet(() -> MemdevControl.find(snapshots.fresh().topology(), memdev));
        Path node = devRoot.resolve("cxl").resolve(memdev);
        if (!Files.exists(node)) {
            throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": no device node " + node
                    + (m.enabled() ? "" : " (the memdev is disabled)"));
        }
        int payloadMax = m.payloadMax() == null ? 4096 : (int) Math.min(1 << 20, m.payloadMax());
        synchronized (locks.computeIfAbsent(memdev, k -> new Object())) {
            MemdevDevice device;
            try {
                device = MemdevDevice.open(node);
            } catch (ErrnoException e) {
                throw new Refusal(ErrorBody.kernel(memdev + ": " + e.getMessage(), e.errno(), e.errnoName(), node.toString()));
            }
            try (DeviceMailbox mb = new DeviceMailbox(memdev, node, device, payloadMax)) {
                return work.apply(mb);
            }
        }
    }
}
