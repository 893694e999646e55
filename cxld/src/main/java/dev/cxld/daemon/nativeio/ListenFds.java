package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Optional;

/**
 * The listening socket systemd passes to a socket-activated service (sd_listen_fds(3)):
 * {@code $LISTEN_PID} names this process and {@code $LISTEN_FDS} counts the descriptors from 3 on.
 * The JDK turns an inherited socket into a channel only from descriptor 0
 * ({@link System#inheritedChannel()}), so descriptor 3 is moved there first; under systemd
 * descriptor 0 is /dev/null, which this replaces.
 */
public final class ListenFds {
    static final int FIRST = 3;

    private ListenFds() {}

    /**
     * The inherited listening Unix socket, or empty when systemd passed none to this process.
     *
     * @throws IOException when systemd passed something cxld cannot serve on (several sockets, or
     *     not a listening AF_UNIX stream socket), saying which
     */
    public static Optional<ServerSocketChannel> take(Map<String, String> env) throws IOException {
        String pid = env.get("LISTEN_PID");
        String fds = env.get("LISTEN_FDS");
        if (pid == null || fds == null || !pid.equals(Long.toString(ProcessHandle.current().pid()))) {
            return Optional.empty();
        }
        if (!fds.equals("1")) {
            throw new IOException("systemd passed LISTEN_FDS=" + fds + " sockets; cxld serves one: give cxld.socket a"
                    + " single ListenStream=");
        }
        try {
            LibC.INSTANCE.dup2(FIRST, 0);
            LibC.INSTANCE.close(FIRST);
        } catch (LastErrorException e) {
            throw new ErrnoException("dup2(3, 0) of the socket systemd passed", e.getErrorCode());
        }
        Channel ch = System.inheritedChannel();
        if (!(ch instanceof ServerSocketChannel)
                || !(((ServerSocketChannel) ch).getLocalAddress() instanceof UnixDomainSocketAddress)) {
            if (ch != null) {
                ch.close();
            }
            throw new IOException("the socket systemd passed (LISTEN_FDS) is not a listening Unix stream socket"
                    + " (ListenStream=/run/cxld/cxld.sock in cxld.socket)");
        }
        return Optional.of((ServerSocketChannel) ch);
    }
}
