package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.io.Closeable;
import java.util.Arrays;

/**
 * A NETLINK_KOBJECT_UEVENT socket bound to the kernel's multicast group: the raw
 * "ACTION@DEVPATH\0KEY=VALUE\0..." messages the kernel sends for every device change (the same
 * feed udevd reads; udevd's own re-broadcasts on group 2 are not read). Messages from any
 * sender other than the kernel (netlink port id 0) are dropped.
 */
public final class UeventSocket implements Closeable {
    private static final int KERNEL_GROUP = 1;
    private static final int BUFFER = 64 * 1024;
    private static final int RCVBUF = 4 * 1024 * 1024;

    private final int fd;
    private final Memory buf = new Memory(BUFFER);
    private final Memory from = new Memory(12);
    private final Memory pollfd = new Memory(8);
    private volatile boolean closed;

    /** What {@link #receive} found: a message, nothing within the timeout, or lost messages. */
    public sealed interface Received permits Message, Timeout, Overrun {}

    public record Message(byte[] bytes) implements Received {}

    public record Timeout() implements Received {}

    /** The kernel dropped messages because cxld read too slowly (ENOBUFS): rescan everything. */
    public record Overrun() implements Received {}

    public UeventSocket() throws ErrnoException {
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_NETLINK, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC,
                    LibC.NETLINK_KOBJECT_UEVENT);
        } catch (LastErrorException e) {
            throw new ErrnoException("socket(AF_NETLINK, NETLINK_KOBJECT_UEVENT)", e.getErrorCode());
        }
        try {
            growReceiveBuffer();
            try (Memory addr = new Memory(12)) {
                addr.clear();
                addr.setShort(0, (short) LibC.AF_NETLINK);
                addr.setInt(4, 0); // nl_pid: let the kernel assign one
                addr.setInt(8, KERNEL_GROUP);
                LibC.INSTANCE.bind(fd, addr, 12);
            }
        } catch (LastErrorException e) {
            NativeFiles.closeQuietly(fd);
            throw new ErrnoException("bind netlink uevent socket", e.getErrorCode());
        }
    }

    private void growReceiveBuffer() {
        IntByReference size = new IntByReference(RCVBUF);
        try {
            LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, size, 4);
        } catch (LastErrorException e) {
            try {
                LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, size, 4);
            } catch (LastErrorException ignored) {
                // the default buffer still works; an overrun only costs a full rescan
            }
        }
    }

    /** Waits up to {@code timeoutMs} for one message from the kernel. */
    public Received receive(int timeoutMs) throws ErrnoException {
        while (true) {
            if (closed) {
                throw new ErrnoException("receive on a closed uevent socket", Errno.EBADF);
            }
            pollfd.setInt(0, fd);
            pollfd.setShort(4, LibC.POLLIN);
            pollfd.setShort(6, (short) 0);
            try {
                if (LibC.INSTANCE.poll(pollfd, 1, timeoutMs) == 0) {
                    return new Timeout();
                }
                IntByReference fromLen = new IntByReference(12);
                long n = LibC.INSTANCE.recvfrom(fd, buf, BUFFER, 0, from, fromLen);
                if (from.getInt(4) != 0) {
                    continue; // not from the kernel
                }
                return new Message(Arrays.copyOf(buf.getByteArray(0, (int) n), (int) n));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EINTR) {
                    continue;
                }
                if (e.getErrorCode() == Errno.ENOBUFS) {
                    return new Overrun();
                }
                throw new ErrnoException("receive uevent", e.getErrorCode());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            NativeFiles.closeQuietly(fd);
        }
    }
}
