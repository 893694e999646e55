package dev.cxld.daemon.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * update-firmware, as ndctl's {@code cxl update-firmware} does it (libcxl's
 * {@code cxl_memdev_update_fw}): the image goes to the kernel's firmware loader of the memdev
 * ({@code memN/firmware/memN/}: {@code loading} 1, the bytes to {@code data}, {@code loading} 0),
 * which transfers it to the device in the background (Transfer FW) and stages it. The image
 * arrives from the client in pieces, in order, one request each, the last one marked; an upload
 * whose client stops sending for {@link #STALE} is aborted ({@code loading} -1), so a client that
 * dies half way leaves no loader waiting. One upload per memdev at a time.
 */
public final class FirmwareUpdate {
    private static final Logger LOG = LoggerFactory.getLogger(FirmwareUpdate.class);
    /** How long an upload may wait for its next piece before it is aborted. */
    public static final Duration STALE = Duration.ofSeconds(30);
    /** The largest image a memdev's loader takes here (cxl_test's limit; real devices' are smaller). */
    static final long MAX_IMAGE = 64L << 20;

    private final SysfsAttributes sysfs;
    private final Snapshots snapshots;
    private final Clock clock;
    private final Map<String, Upload> uploads = new HashMap<>();

    private static final class Upload {
        long next;
        Instant touched;
    }

    public FirmwareUpdate(SysfsAttributes sysfs, Snapshots snapshots, Clock clock) {
        this.sysfs = sysfs;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /** One piece of the image, at {@code offset}; offset 0 starts an upload, {@code last} ends it. */
    public synchronized ObjectNode piece(String memdev, long offset, byte[] data, boolean last) {
        MemdevControl.find(snapshots.fresh().topology(), memdev);
        Upload u = uploads.get(memdev);
        if (offset == 0) {
            if (u != null) {
                throw new Refusal(ErrorCode.IN_USE, memdev + ": a firmware upload is already under way (at byte " + u.next
                        + "); wait for it, or cancel it");
            }
            SysfsAttributes.FirmwareLoader state = sysfs.firmwareLoader(memdev).orElseThrow(() -> new Refusal(
                    ErrorCode.UNAVAILABLE, memdev + ": has no firmware loader (" + sysfs.device(memdev, "firmware")
                            + "): the device does not support firmware update"));
            if (state.inProgress()) {
                throw new Refusal(ErrorCode.IN_USE, memdev + ": a firmware update is in progress (" + state.status()
                        + "); wait for it (update-firmware --wait), or cancel it (--cancel)");
            }
            sysfs.firmwareLoading(memdev, 1, memdev + ": start the firmware upload");
            u = new Upload();
            u.touched = clock.instant();
            uploads.put(memdev, u);
        } else if (u == null || u.next != offset) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, memdev + ": firmware piece at byte " + offset + " is out of order"
                    + (u == null ? ": no upload is under way (the first piece is at 0)" : ": expected byte " + u.next));
        }
        if (offset + data.length > MAX_IMAGE) {
            abort(memdev, "the image is larger than " + MAX_IMAGE + " bytes");
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, memdev + ": the firmware image is larger than " + MAX_IMAGE
                    + " bytes; the upload was aborted");
        }
        try {
            if (data.length > 0) {
                sysfs.firmwareData(memdev, offset, data);
            }
            u.next = offset + data.length;
            u.touched = clock.instant();
            if (last) {
                uploads.remove(memdev);
                sysfs.firmwareLoading(memdev, 0, memdev + ": hand the firmware image to the device");
                LOG.info("firmware update of {} started ({} bytes)", memdev, u.next);
            }
        } catch (Refusal r) {
            abort(memdev, r.getMessage());
            throw r.adding("; the upload was aborted");
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("memdev", memdev);
        o.put("received", u.next);
        o.put("started", last);
        return o;
    }

    /** cancel: ends an update in progress (the loader's {@code cancel}), or an upload under way. */
    public synchronized ObjectNode cancel(String memdev) {
        MemdevControl.find(snapshots.fresh().topology(), memdev);
        if (uploads.containsKey(memdev)) {
            abort(memdev, "cancelled");
        } else {
            SysfsAttributes.FirmwareLoader state = sysfs.firmwareLoader(memdev).orElseThrow(() -> new Refusal(
                    ErrorCode.UNAVAILABLE, memdev + ": has no firmware loader"));
            if (!state.inProgress() && (state.remainingSize() == null || state.remainingSize() == 0)) {
                throw new Refusal(ErrorCode.NOT_FOUND, memdev + ": no firmware update in progress to cancel");
            }
            sysfs.firmwareCancel(memdev);
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("memdev", memdev);
        o.put("cancelled", true);
        return o;
    }

    /** Aborts uploads whose client has not sent a piece for {@link #STALE}; run periodically. */
    public synchronized void expire() {
        Instant now = clock.instant();
        uploads.entrySet().removeIf(e -> {
            if (Duration.between(e.getValue().touched, now).compareTo(STALE) < 0) {
                return false;
            }
            LOG.warn("firmware upload of {} aborted: no piece for {} s", e.getKey(), STALE.toSeconds());
            sysfs.tryWrite(sysfs.device(e.getKey(), "firmware").resolve(e.getKey()).resolve("loading"), "-1\n");
            return true;
        });
    }

    private void abort(String memdev, String why) {
        uploads.remove(memdev);
        sysfs.tryWrite(sysfs.device(memdev, "firmware").resolve(memdev).resolve("loading"), "-1\n")
                .ifPresent(e -> LOG.warn("aborting the firmware upload of {}: {}", memdev, e));
        LOG.info("firmware upload of {} aborted: {}", memdev, why);
    }
}
