package dev.cxld.daemon.sysfs;

import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.daemon.nativeio.NativeFiles;
import dev.cxld.protocol.ErrorBody;
import dev.cxld.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CXL part of debugfs ({@code DEBUGFS/cxl}, the root injected; normally
 * {@code /sys/kernel/debug}): which memdevs take poison injection ({@code cxl/memN/inject_poison}),
 * and the injection and clearing themselves, as ndctl's {@code cxl inject-media-poison} and
 * {@code clear-media-poison} write them. A null root (cxld over a captured tree) has none.
 */
public final class CxlDebugfs {
    private final Path root;

    public CxlDebugfs(Path debugfsRoot) {
        this.root = debugfsRoot;
    }

    /** Whether the kernel's CXL debugfs is there (ndctl lists poison_injectable only then). */
    public boolean present() {
        return root != null && Files.isDirectory(root.resolve("cxl"));
    }

    /** Whether {@code memdev} takes poison injection: it has {@code cxl/memN/inject_poison}. */
    public boolean injectable(String memdev) {
        return root != null && DeviceNames.MEMDEV.matcher(memdev).matches()
                && Files.exists(root.resolve("cxl").resolve(memdev).resolve("inject_poison"));
    }

    /**
     * The CXL protocol error types the platform can inject ({@code cxl/einj_types}: lines
     * "0x00008000\tCXL.mem Protocol Correctable"), by type code; empty when there is no EINJ for CXL.
     */
    public java.util.Map<Long, String> einjTypes() {
        java.util.Map<Long, String> types = new java.util.LinkedHashMap<>();
        if (root == null) {
            return types;
        }
        try {
            for (String line : Files.readAllLines(root.resolve("cxl/einj_types"))) {
                String[] f = line.strip().split("\\s+", 2);
                if (f.length == 2 && f[0].matches("0[xX][0-9a-fA-F]{1,8}")) {
                    types.put(dev.cxld.protocol.Numbers.unsignedHex(f[0].substring(2)), f[1]);
                }
            }
        } catch (java.io.IOException e) {
            return types;
        }
        return types;
    }

    /** Writes the EINJ type code to {@code cxl/DPORT/einj_inject} (DPORT a downstream port's device name). */
    public void injectProtocolError(String dport, long type) {
        if (dport == null || !dport.matches("[A-Za-z0-9:._-]{1,64}") || dport.startsWith(".")) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "\"" + dport + "\" is not a downstream port's device name");
        }
        Path file = root.resolve("cxl").resolve(dport).resolve("einj_inject");
        if (!Files.exists(file)) {
            throw new Refusal(ErrorCode.NOT_FOUND, dport + ": no " + file + ": not a CXL downstream port that takes error"
                    + " injection");
        }
        try {
            NativeFiles.writeAttribute(file, "0x" + Long.toHexString(type));
        } catch (ErrnoException e) {
            throw new Refusal(ErrorBody.kernel(dport + ": inject protocol error 0x" + Long.toHexString(type)
                    + ": the kernel refused: " + e.getMessage(), e.errno(), e.errnoName(), file.toString()));
        }
    }

    /** Writes {@code dpa} (hex) to {@code cxl/MEMDEV/inject_poison} or {@code clear_poison}. */
    public void poison(String memdev, boolean inject, long dpa) {
        String attribute = inject ? "inject_poison" : "clear_poison";
        if (!injectable(memdev)) {
            throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": poison " + (inject ? "injection" : "clearing")
                    + " is not available: " + (root == null ? "cxld has no debugfs (--debugfs)"
                            : !present() ? "no CXL debugfs at " + root.resolve("cxl") + " (is debugfs mounted?)"
                                    : "the device does not support it (no " + root.resolve("cxl").resolve(memdev)
                                            .resolve(attribute) + ")"));
        }
        Path file = root.resolve("cxl").resolve(memdev).resolve(attribute);
        try {
            NativeFiles.writeAttribute(file, "0x" + Long.toHexString(dpa));
        } catch (ErrnoException e) {
            throw new Refusal(ErrorBody.kernel(memdev + ": poison " + (inject ? "inject" : "clear") + " at 0x"
                    + Long.toHexString(dpa) + ": the kernel refused: " + e.getMessage(), e.errno(), e.errnoName(),
                    file.toString()));
        }
    }
}
