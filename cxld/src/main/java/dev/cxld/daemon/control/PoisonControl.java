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

    /**
     * inject-protocol-error, as ndctl v84+ does it: a CXL.mem or CXL.cache error of a severity
     * (correctable, uncorrectable, fatal) through ACPI EINJ, into downstream port {@code dport}, by
     * the type code the platform lists in {@code cxl/einj_types} for it.
     */
    public ObjectNode protocolError(String dport, String protocol, String severity) {
        if (!"mem".equals(protocol) && !"cache".equals(protocol)) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "protocol is mem or cache, not " + protocol);
        }
        String want;
        switch (severity == null ? "" : severity) {
            case "correctable":
                want = "correctable";
                break;
            case "uncorrectable":
                want = "uncorrectable non-fatal";
                break;
            case "fatal":
                want = "uncorrectable fatal";
                break;
            default:
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "severity is correctable, uncorrectable or fatal, not " + severity);
        }
        java.util.Map<Long, String> types = debugfs.einjTypes();
        if (types.isEmpty()) {
            throw new Refusal(ErrorCode.UNAVAILABLE, "no CXL protocol error injection here: no cxl/einj_types in debugfs"
                    + " (needs ACPI EINJ on the platform and CONFIG_ACPI_APEI_EINJ_CXL)");
        }
        String label = ("CXL." + protocol + " Protocol " + want).toLowerCase(java.util.Locale.ROOT);
        long type = types.entrySet().stream().filter(e -> e.getValue().toLowerCase(java.util.Locale.ROOT).equals(label))
                .map(java.util.Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new Refusal(ErrorCode.UNAVAILABLE, "the platform does not inject " + protocol + "-"
                        + severity + " errors; it lists: " + String.join(", ", types.values())));
        debugfs.injectProtocolError(dport, type);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("dport", dport);
        o.put("error", protocol + "-" + severity);
        o.put("injected", true);
        return o;
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
