package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * systemd's readiness protocol (sd_notify(3)): datagrams such as {@code READY=1} or
 * {@code STATUS=...} sent to the AF_UNIX socket named by {@code $NOTIFY_SOCKET} (a path, or
 * {@code @name} in the abstract namespace). The JDK has no datagram Unix sockets, hence here.
 */
public final class SdNotify implements Closeable {
    /** sockaddr_un: sa_family_t then sun_path[108]. */
    private static final int SUN_PATH = 108;

    private final int fd;
    private final Memory addr = new Memory(2 + SUN_PATH);
    private final int addrLen;
    private final String target;

    private SdNotify(String socket) throws ErrnoException {
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        if (path.length == 0 || path.length >= SUN_PATH) {
            throw new ErrnoException("NOTIFY_SOCKET=" + socket + " (not a socket address)", 22);
        }
        boolean abstractName = path[0] == '@';
        addr.clear();
        addr.setShort(0, (short) LibC.AF_UNIX);
        addr.write(2, path, 0, path.length);
        if (abstractName) {
            addr.setByte(2, (byte) 0);
        }
        addrLen = 2 + path.length + (abstractName ? 0 : 1);
        target = socket;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new ErrnoException("socket(AF_UNIX, SOCK_DGRAM)", e.getErrorCode());
        }
    }

    /** The notifier of a service systemd started with {@code Type=notify}; empty when there is none. */
    public static Optional<SdNotify> fromEnvironment(Map<String, String> env) throws ErrnoException {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SdNotify(socket));
    }

    /** Sends one state datagram, e.g. {@code "READY=1\nSTATUS=serving"}. */
    public synchronized void send(String state) throws ErrnoException {
        byte[] b = state.getBytes(StandardCharsets.UTF_8);
        try {
            LibC.INSTANCE.sendto(fd, b, b.length, LibC.MSG_NOSIGNAL, addr, addrLen);
        } catch (LastErrorException e) {
            throw new ErrnoException("send to NOTIFY_SOCKET " + target, e.getErrorCode());
        }
    }

    @Override
    public synchronized void close() {
        NativeFiles.closeQuietly(fd);
    }
}
