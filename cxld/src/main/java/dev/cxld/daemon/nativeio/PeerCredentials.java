package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * SO_PEERCRED of a connected Unix socket: the pid, uid and gid of the peer when it connected.
 * The JDK's own SO_PEERCRED option gives user and group names only, and no pid; this reads the
 * kernel's struct ucred through the channel's descriptor. Reaching the descriptor needs
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (the cxld jar's manifest carries it);
 * without it, {@link #of} answers empty and the caller must fall back to the JDK's names.
 */
public final class PeerCredentials {
    /** struct ucred { pid_t pid; uid_t uid; gid_t gid; } */
    public record Ucred(long pid, long uid, long gid) {}

    private static final Method FD_VAL = fdAccessor();

    private PeerCredentials() {}

    private static Method fdAccessor() {
        try {
            Class<?> impl = Class.forName("sun.nio.ch.SocketChannelImpl");
            Method m = impl.getMethod("getFDVal");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** True when descriptors can be reached, so {@link #of} can answer. */
    public static boolean available() {
        return FD_VAL != null;
    }

    /** The descriptor of {@code ch}, empty when it cannot be reached. */
    static java.util.OptionalInt fd(SocketChannel ch) {
        if (FD_VAL == null) {
            return java.util.OptionalInt.empty();
        }
        try {
            return java.util.OptionalInt.of((Integer) FD_VAL.invoke(ch));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return java.util.OptionalInt.empty();
        }
    }

    public static Optional<Ucred> of(SocketChannel ch) {
        java.util.OptionalInt reached = fd(ch);
        if (reached.isEmpty()) {
            return Optional.empty();
        }
        int fd = reached.getAsInt();
        try (Memory ucred = new Memory(12)) {
            IntByReference len = new IntByReference(12);
            LibC.INSTANCE.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, ucred, len);
            return Optional.of(new Ucred(ucred.getInt(0), Integer.toUnsignedLong(ucred.getInt(4)),
                    Integer.toUnsignedLong(ucred.getInt(8))));
        } catch (LastErrorException e) {
            return Optional.empty();
        }
    }
}
