package dev.cxld.daemon.mailbox;

import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.daemon.nativeio.MemdevDevice;
import dev.cxld.protocol.ErrorBody;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link Mailbox} on a device node ({@code /dev/cxl/memN}) through the kernel's QUERY and SEND
 * ioctls, for the length of one operation. Not thread-safe: the {@link MailboxService} hands it to
 * one caller at a time.
 */
final class DeviceMailbox implements Mailbox, AutoCloseable {
    private final String memdev;
    private final Path node;
    private final MemdevDevice device;
    private final int payloadMax;
    private List<MemdevDevice.CommandInfo> commands;

    DeviceMailbox(String memdev, Path node, MemdevDevice device, int payloadMax) {
        this.memdev = memdev;
        this.node = node;
        this.device = device;
        this.payloadMax = payloadMax;
    }

    @Override
    public String memdev() {
        return memdev;
    }

    @Override
    public int payloadMax() {
        return payloadMax;
    }

    /** The kernel's command table for this device (QUERY), read once per session. */
    @Override
    public List<MemdevDevice.CommandInfo> commands() {
        if (commands == null) {
            try {
                commands = device.query();
            } catch (ErrnoException e) {
                throw kernel("query commands", e);
            }
        }
        return commands;
    }

    /** The slot of {@code c}, or null when the kernel does not know the command at all. */
    MemdevDevice.CommandInfo info(CommandId c) {
        return commands().stream().filter(i -> i.id() == c.id).findFirst().orElse(null);
    }

    /**
     * Sends {@code c} (QUERY first). Output room is the command's fixed size, or payload_max for
     * variable output (a shorter buffer would silently truncate it).
     */
    @Override
    public Answer call(CommandId c, byte[] in) {
        MemdevDevice.CommandInfo info = info(c);
        if (info == null || (info.flags() & 1) == 0) {
            return new Unsupported(c.title + " is not enabled by the kernel for " + memdev
                    + " (the device's Command Effects Log does not list it)");
        }
        if ((info.flags() & 2) != 0) {
            throw new Refusal(ErrorBody.kernel(memdev + ": " + c.title + " is reserved to the kernel: "
                    + (c == CommandId.SET_LSA || c == CommandId.SET_SHUTDOWN_STATE
                            ? "the cxl_pmem driver holds this memdev's labels through its nvdimm; unload it"
                                    + " (modprobe -r cxl_pmem, with no pmem region in use) and try again"
                            : "the kernel marked it exclusive for its own use"), 16, "EBUSY", node.toString()));
        }
        int out = info.sizeOut() == -1 ? payloadMax : info.sizeOut();
        MemdevDevice.Sent sent;
        try {
            sent = device.send(c.id, in, out);
        } catch (ErrnoException e) {
            throw kernel(c.title, e);
        }
        if (sent.retval() == ReturnCode.UNSUPPORTED) {
            return new Unsupported(memdev + " answered " + c.title + " with \"Unsupported\"");
        }
        if (sent.retval() != ReturnCode.SUCCESS) {
            throw new Refusal(ErrorBody.device(memdev + ": " + c.title + " failed on the device: "
                    + ReturnCode.name(sent.retval()) + String.format(" (mailbox return code %#x)", sent.retval()),
                    c.name(), sent.retval(), ReturnCode.name(sent.retval())));
        }
        return new Data(sent.out());
    }

    private Refusal kernel(String what, ErrnoException e) {
        return new Refusal(ErrorBody.kernel(memdev + ": " + what + ": " + e.getMessage(), e.errno(), e.errnoName(),
                node.toString()));
    }

    @Override
    public void close() {
        device.close();
    }
}
