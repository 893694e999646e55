package dev.cxld.daemon.mailbox;

import dev.cxld.daemon.nativeio.MemdevDevice;
import java.util.List;

/**
 * One memdev's mailbox for the length of one operation: the kernel's command table for it, and
 * calls that turn each outcome into a typed answer. The seam between the commands cxld offers
 * ({@link MemdevCommands}: chunking, decoding, errors) and the device ({@link DeviceMailbox});
 * tests replay payloads captured from guests through it.
 */
public interface Mailbox {
    /** What a command gave: its payload, or a clearly stated "not supported". */
    sealed interface Answer permits Data, Unsupported {}

    record Data(byte[] bytes) implements Answer {}

    /** Not supported: the kernel does not enable it for this device, or the device said so. */
    record Unsupported(String reason) implements Answer {}

    /** The memdev's name ({@code mem0}). */
    String memdev();

    /** The largest payload one command may carry (the memdev's {@code payload_max}). */
    int payloadMax();

    /** The kernel's command table for this device (QUERY). */
    List<MemdevDevice.CommandInfo> commands();

    /**
     * Sends {@code c} with input {@code in}. Returns Unsupported when the kernel has not enabled
     * the command for this device or the device answers "Unsupported"; throws a
     * {@link dev.cxld.daemon.errors.Refusal} carrying KERNEL_ERROR (errno) or DEVICE_ERROR (mailbox
     * return code) otherwise.
     */
    Answer call(CommandId c, byte[] in);
}
