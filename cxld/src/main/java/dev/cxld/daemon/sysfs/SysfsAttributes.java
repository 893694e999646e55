package dev.cxld.daemon.sysfs;

import dev.cxld.daemon.errors.IoErrors;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.daemon.nativeio.NativeFiles;
import dev.cxld.protocol.ErrorBody;
import dev.cxld.protocol.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Single sysfs attributes that services read and write by name, under the injected root: the
 * CXL bus's device and driver attributes ({@code bind}, {@code unbind}, {@code commit},
 * {@code create_ram_region}, {@code trigger_poison_list}, ...), the firmware loader's state. Names from clients are checked before a path is built, so no
 * request reaches a file outside {@code bus/cxl}. A write is one write(2), so the kernel's store
 * function sees the whole value and its errno reaches the caller ({@link #write}).
 */
public final class SysfsAttributes {
    private final Path root;

    public SysfsAttributes(Path sysfsRoot) {
        this.root = sysfsRoot;
    }

    /** {@code bus/cxl/devices/NAME/ATTRIBUTE}; NAME must be a CXL object's name (mem0, region1, decoder2.0, port1). */
    public Path device(String name, String attribute) {
        if (name == null || !DeviceNames.isCxlObject(name)) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "\"" + name + "\" is not the name of a CXL memdev, region,"
                    + " decoder or port");
        }
        return root.resolve("bus/cxl/devices").resolve(name).resolve(attribute);
    }

    /** {@code devices/system/memory/BLOCK/ATTRIBUTE}; BLOCK must be a memory block's name ({@code memory146}). */
    public Path memoryBlock(String block, String attribute) {
        if (block == null || !block.matches("memory\\d+")) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "\"" + block + "\" is not the name of a memory block");
        }
        return root.resolve("devices/system/memory").resolve(block).resolve(attribute);
    }

    /** {@code bus/dax/drivers/DRIVER/ATTRIBUTE}, for the drivers a CXL ram region's dax device may have. */
    public Path daxDriver(String driver, String attribute) {
        if (!driver.equals("kmem") && !driver.equals("device_dax")) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "\"" + driver + "\" is not a dax driver cxld manages");
        }
        return root.resolve("bus/dax/drivers").resolve(driver).resolve(attribute);
    }

    /** Checks that {@code name} is a dax device's name ({@code dax0.0}). */
    public static String daxDevice(String name) {
        if (name == null || !name.matches("dax\\d+\\.\\d+")) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "\"" + name + "\" is not the name of a dax device");
        }
        return name;
    }

    /** {@code bus/cxl/drivers/DRIVER/ATTRIBUTE}. */
    public Path driver(String driver, String attribute) {
        return root.resolve("bus/cxl/drivers").resolve(driver).resolve(attribute);
    }

    /** The attribute's text without surrounding white space; KERNEL_ERROR naming the file when it cannot be read. */
    public String read(Path attribute) {
        try {
            return new String(Files.readAllBytes(attribute), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, "read " + attribute + ": " + IoErrors.reason(e));
        }
    }

    /**
     * Writes {@code value} as it is (no newline added) with one write(2); a refusal by the kernel
     * is KERNEL_ERROR with {@code what} was being done, the errno and the attribute.
     */
    public void write(Path attribute, String value, String what) {
        try {
            NativeFiles.writeAttribute(attribute, value);
        } catch (ErrnoException e) {
            throw new Refusal(ErrorBody.kernel(what + ": the kernel refused: " + e.getMessage(), e.errno(),
                    e.errnoName(), attribute.toString()));
        }
    }

    /** Writes like {@link #write} for an undo step: the failure, if any, as text instead of a refusal. */
    public Optional<String> tryWrite(Path attribute, String value) {
        try {
            NativeFiles.writeAttribute(attribute, value);
            return Optional.empty();
        } catch (ErrnoException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Binds {@code device} to {@code driver}: its name, as ndctl writes it, to {@code bus/cxl/drivers/DRIVER/bind}. */
    public void bind(String driver, String device, String what) {
        device(device, "");
        write(driver(driver, "bind"), device, what);
    }

    /** Unbinds {@code device} from {@code driver} ({@code bus/cxl/drivers/DRIVER/unbind}). */
    public void unbind(String driver, String device, String what) {
        device(device, "");
        write(driver(driver, "unbind"), device, what);
    }

    /**
     * Where CXL object {@code name}'s device really is ({@code /sys/devices/...}, its
     * {@code bus/cxl/devices} link resolved), as text; empty when it is gone.
     */
    public Optional<String> devicePath(String name) {
        try {
            return Optional.of(device(name, "").toRealPath().toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Unbinds port {@code port}'s uport (a root's platform device, {@code ACPI0017:00} or
     * {@code cxl_acpi.0}) from its driver, as libcxl's {@code cxl_bus_disable_invalidate} does:
     * the device's name to {@code UPORT/driver/unbind}.
     */
    public void unbindUport(String port, String what) {
        Path uport;
        try {
            uport = device(port, "uport").toRealPath();
        } catch (IOException e) {
            throw new Refusal(ErrorCode.NOT_FOUND, what + ": " + device(port, "uport") + ": " + IoErrors.reason(e));
        }
        Path unbind = uport.resolve("driver/unbind");
        if (!Files.exists(unbind)) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, what + ": " + uport.getFileName() + " has no driver bound");
        }
        write(unbind, uport.getFileName().toString(), what);
    }

    /**
     * The firmware loader's state of a memdev ({@code memN/firmware/memN/status} and, while an
     * update is in progress, {@code remaining_size}); empty when the memdev has no loader.
     */
    public Optional<FirmwareLoader> firmwareLoader(String memdev) {
        Path loader = device(memdev, "firmware").resolve(memdev);
        try {
            String status = new String(Files.readAllBytes(loader.resolve("status")), StandardCharsets.UTF_8).strip();
            Long remaining = null;
            if (!status.equals("idle")) {
                Path f = loader.resolve("remaining_size");
                remaining = SysfsValues.u64(f, new String(Files.readAllBytes(f), StandardCharsets.UTF_8).strip());
            }
            return Optional.of(new FirmwareLoader(status, remaining));
        } catch (IOException | SysfsFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The firmware loader's {@code loading}: 1 starts an upload, 0 ends it (the kernel then sends
     * the image to the device), -1 aborts it.
     */
    public void firmwareLoading(String memdev, int value, String what) {
        write(device(memdev, "firmware").resolve(memdev).resolve("loading"), value + "\n", what);
    }

    /** Writes {@code bytes} into the firmware loader's {@code data} at {@code offset}. */
    public void firmwareData(String memdev, long offset, byte[] bytes) {
        Path data = device(memdev, "firmware").resolve(memdev).resolve("data");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(data, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            long at = offset;
            while (b.hasRemaining()) {
                at += ch.write(b, at);
            }
        } catch (IOException e) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, memdev + ": write " + bytes.length + " bytes at " + offset + " to "
                    + data + ": " + IoErrors.reason(e));
        }
    }

    /** The firmware loader's {@code cancel}: ends an upload in progress. */
    public void firmwareCancel(String memdev) {
        write(device(memdev, "firmware").resolve(memdev).resolve("cancel"), "1\n", memdev + ": cancel the firmware update");
    }

    /** The kernel firmware loader's {@code status}, and {@code remaining_size} when it is not idle. */
    public record FirmwareLoader(String status, Long remainingSize) {
        public boolean inProgress() {
            return !status.equals("idle");
        }
    }

    /** The PCI vendor and device ids of a function, as its {@code vendor} and {@code device} attributes hold them. */
    public record PciFunction(int vendor, int device) {}

    /**
     * The PCI ids of the function a memdev belongs to (the memdev's parent device); empty when its
     * parent is no PCI function (cxl_test's platform devices) or they cannot be read.
     */
    public Optional<PciFunction> pciFunctionOf(String memdev) {
        try {
            Path parent = device(memdev, "").toRealPath().getParent();
            String vendor = new String(Files.readAllBytes(parent.resolve("vendor")), StandardCharsets.UTF_8).strip();
            String device = new String(Files.readAllBytes(parent.resolve("device")), StandardCharsets.UTF_8).strip();
            return Optional.of(new PciFunction((int) SysfsValues.u64(parent.resolve("vendor"), vendor),
                    (int) SysfsValues.u64(parent.resolve("device"), device)));
        } catch (IOException | SysfsFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code dir} is the kernel's own sysfs (file system type {@code sysfs}), as opposed
     * to a captured tree on another file system: only then do uevents and tracefs describe it.
     */
    public static boolean isKernelSysfs(Path dir) {
        try {
            return "sysfs".equals(Files.getFileStore(dir).type());
        } catch (IOException e) {
            return false; // no such directory, or not a mount we can see: not the kernel's sysfs
        }
    }
}
