package dev.cxld.daemon.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlDebugfs;
import dev.cxld.protocol.ErrorCode;

/**
 * inject-media-poison and clear-media-poison, as ndctl v84+'s {@code cxl} does them: the device
 * physical address to the kernel's CXL debugfs ({@code cxl/memN/inject_poison},
 * {@code clear_poison}), which sends Inject/Clear Poison through the mailbox. Poison makes reads of
 * that memory fail: it is for testing error handling, and admin-only as every change is.
 */
public final class PoisonControl {
    private final CxlDebugfs debugfs;
    private final Snapshots snapshots;

    public PoisonControl(CxlDebugfs debugfs, Snapshots snapshots) {
        this.debugfs = debugfs;
        this.snapshots = snapshots;
    }

    public ObjectNode poison(String memdev, long address, boolean inject) {
        MemdevControl.find(snapshots.fresh().topology(), memdev);
        if (address < 0) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, memdev + ": address " + Long.toUnsignedString(address)
                    + " is not a device physical address");
        }
        debugfs.poison(memdev, inject, address);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("memdev", memdev);
        o.put("address", address);
        o.put(inject ? "injected" : "cleared", true);
        return o;
    }
}
