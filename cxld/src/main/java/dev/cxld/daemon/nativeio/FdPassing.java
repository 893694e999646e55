package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.channels.SocketChannel;

/**
 * Sends bytes with an open descriptor attached (SCM_RIGHTS) on a connected Unix socket, which the
 * JDK's channels cannot do: sendmsg(2) on the channel's own descriptor (reached as
 * {@link PeerCredentials} reaches it, needing {@code --add-opens java.base/sun.nio.ch}). The
 * descriptor travels with the first byte sent; the caller writes whatever sendmsg did not take
 * through the channel as usual, under the same write lock. LP64 layouts:
 * {@code struct msghdr} 56 bytes, {@code struct iovec} 16, one {@code cmsghdr} with one int
 * {@code CMSG_SPACE(4)} = 24.
 */
public final class FdPassing {
    static final int MSGHDR = 56;
    static final int IOVEC = 16;
    static final int CMSG_SPACE_ONE_FD = 24;
    static final int CMSG_LEN_ONE_FD = 20;

    private FdPassing() {}

    /** True when channels' descriptors can be reached, so {@link #send} can work. */
    public static boolean available() {
        return PeerCredentials.available();
    }

    /**
     * Sends {@code bytes} (at least one) with {@code file}'s descriptor attached; answers how many
     * of the bytes went (at least one: the descriptor went with them).
     */
    public static int send(SocketChannel ch, byte[] bytes, PassedFile file) throws ErrnoException {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("a descriptor travels with at least one byte");
        }
        int socket = PeerCredentials.fd(ch).orElseThrow(() -> new ErrnoException(
                "reach the connection's descriptor (cxld runs without --add-opens java.base/sun.nio.ch=ALL-UNNAMED)",
                Errno.EOPNOTSUPP));
        try (Memory data = new Memory(bytes.length); Memory iov = new Memory(IOVEC);
                Memory control = new Memory(CMSG_SPACE_ONE_FD); Memory msg = new Memory(MSGHDR)) {
            data.write(0, bytes, 0, bytes.length);
            iov.setPointer(0, data);
            iov.setLong(8, bytes.length);
            control.clear();
            control.setLong(0, CMSG_LEN_ONE_FD);
            control.setInt(8, LibC.SOL_SOCKET);
            control.setInt(12, LibC.SCM_RIGHTS);
            control.setInt(16, file.fd());
            header(msg, iov, control);
            long n = LibC.INSTANCE.sendmsg(socket, msg, LibC.MSG_NOSIGNAL);
            return (int) n;
        } catch (LastErrorException e) {
            throw new ErrnoException("send " + file.path() + " over the connection (sendmsg)", e.getErrorCode());
        }
    }

    /** A received message: its bytes and the descriptors that came with them (for tests and clients in Java). */
    public record Received(byte[] bytes, int[] fds) {}

    /**
     * Receives up to {@code max} bytes from {@code ch} and at most one descriptor, which arrives
     * close-on-exec; the caller owns it ({@link #closeDescriptor}).
     */
    public static Received receive(SocketChannel ch, int max) throws ErrnoException {
        int socket = PeerCredentials.fd(ch).orElseThrow(() -> new ErrnoException(
                "reach the connection's descriptor (no --add-opens java.base/sun.nio.ch=ALL-UNNAMED)", Errno.EOPNOTSUPP));
        try (Memory data = new Memory(max); Memory iov = new Memory(IOVEC); Memory control = new Memory(CMSG_SPACE_ONE_FD);
                Memory msg = new Memory(MSGHDR)) {
            iov.setPointer(0, data);
            iov.setLong(8, max);
            control.clear();
            header(msg, iov, control);
            long n = LibC.INSTANCE.recvmsg(socket, msg, LibC.MSG_CMSG_CLOEXEC);
            long controlLen = msg.getLong(40);
            int[] fds = new int[0];
            if (controlLen >= CMSG_LEN_ONE_FD && control.getInt(8) == LibC.SOL_SOCKET
                    && control.getInt(12) == LibC.SCM_RIGHTS) {
                fds = new int[] {control.getInt(16)};
            }
            return new Received(data.getByteArray(0, (int) n), fds);
        } catch (LastErrorException e) {
            throw new ErrnoException("recvmsg", e.getErrorCode());
        }
    }

    /** Closes a descriptor {@link #receive} handed over. */
    public static void closeDescriptor(int fd) {
        NativeFiles.closeQuietly(fd);
    }

    private static void header(Memory msg, Pointer iov, Pointer control) {
        msg.clear();
        msg.setPointer(0, null); // msg_name
        msg.setInt(8, 0); // msg_namelen
        msg.setPointer(16, iov); // msg_iov
        msg.setLong(24, 1); // msg_iovlen
        msg.setPointer(32, control); // msg_control
        msg.setLong(40, CMSG_SPACE_ONE_FD); // msg_controllen
        msg.setInt(48, 0); // msg_flags
    }
}
