package dev.cxld.daemon.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import dev.cxld.daemon.errors.IoErrors;
import dev.cxld.daemon.nativeio.FdPassing;
import dev.cxld.daemon.nativeio.PassedFile;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Response;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Unix stream socket: newline-delimited JSON, one response line per request line, in
 * order; several requests may follow each other on one connection. Each connection has its own
 * thread, so a slow client holds up no one else; {@link Limits} bound how many there are (in all
 * and per user, as SO_PEERCRED names the peer) and how long one may sit idle or take to send a
 * request line. A connection over a limit is answered BUSY and closed.
 */
public final class SocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);
    /** Longest request line accepted, in bytes. */
    static final int MAX_LINE = 64 * 1024;

    private final Path path;
    private final Dispatcher dispatcher;
    private volatile Limits limits;
    private final ServerSocketChannel server;
    /** Passed by systemd (cxld.socket): the socket file is systemd's, kept when cxld stops. */
    private final boolean inherited;
    private final Map<SocketChannel, Connection> open = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cxld-conn");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cxld-watchdog");
        t.setDaemon(true);
        return t;
    });

    /**
     * One client: who it is, when it last finished a request, when its current line started
     * (0: none), and whether it is monitoring (a monitoring connection is never idle).
     */
    private static final class Connection {
        final Peer peer;
        final Object writeLock = new Object();
        volatile long idleSince = System.nanoTime();
        volatile long lineStarted;
        volatile Dispatcher.Stream stream;

        Connection(Peer peer) {
            this.peer = peer;
        }
    }

    /**
     * Who may connect at all: the socket file's mode and group ({@code null}: keep the daemon's
     * group). Authorization by credentials is separate; by default everyone may connect.
     */
    public record Exposure(String mode, String group) {
        public static final Exposure OPEN = new Exposure("0666", null);

        public Exposure {
            if (!mode.matches("0?[0-7]{3}")) {
                throw new IllegalArgumentException("socket mode must be octal like 0660, not \"" + mode + "\"");
            }
        }

        java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions() {
            String m = mode.length() == 4 ? mode.substring(1) : mode;
            StringBuilder b = new StringBuilder();
            for (char c : m.toCharArray()) {
                int v = c - '0';
                b.append((v & 4) != 0 ? 'r' : '-').append((v & 2) != 0 ? 'w' : '-').append((v & 1) != 0 ? 'x' : '-');
            }
            return PosixFilePermissions.fromString(b.toString());
        }
    }

    private final PeerReader peers;
    /** Set when cxld stops: connections closed then do not end their leases. */
    private volatile boolean closing;

    /**
     * Binds {@code path}, replacing a stale socket file; refuses when a daemon answers there.
     *
     * @param procRoot where peers' {@code PID/status} are read ({@code /proc})
     */
    public SocketServer(Path path, Dispatcher dispatcher, Limits limits, Exposure exposure, Path procRoot)
            throws IOException {
        this.path = path;
        this.dispatcher = dispatcher;
        this.limits = limits;
        dispatcher.devicePolicy(limits.device());
        this.peers = new PeerReader(procRoot);
        this.inherited = false;
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        checkPlace(path, parent);
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (answers(path)) {
                throw new IOException(path + ": another cxld is already serving this socket");
            }
            Files.delete(path);
            LOG.info("removed stale socket {}", path);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        // By default anyone may connect; what they may do is decided per request.
        try {
            // the socket just bound: checkPlace made sure no other user can put a link in its place
            // (the JDK cannot change a socket's mode without following: it opens the file)
            if (Files.isSymbolicLink(path)) {
                throw new IOException("the socket was replaced by a symbolic link");
            }
            if (exposure.group() != null) {
                Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
                        .setGroup(path.getFileSystem().getUserPrincipalLookupService()
                                .lookupPrincipalByGroupName(exposure.group()));
            }
            Files.setPosixFilePermissions(path, exposure.permissions());
        } catch (IOException e) {
            server.close();
            Files.deleteIfExists(path);
            throw new IOException(path + ": cannot give the socket group " + exposure.group() + " and mode "
                    + exposure.mode() + ": " + IoErrors.reason(e), e);
        }
        watchdog.scheduleWithFixedDelay(this::closeStalled, 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Serves on {@code listening}, a socket systemd bound and passed (socket activation): its path,
     * mode and group are cxld.socket's, and it stays when cxld stops so that the next connection
     * starts cxld again.
     */
    public SocketServer(ServerSocketChannel listening, Dispatcher dispatcher, Limits limits, Path procRoot)
            throws IOException {
        this.path = ((java.net.UnixDomainSocketAddress) listening.getLocalAddress()).getPath();
        this.dispatcher = dispatcher;
        this.limits = limits;
        dispatcher.devicePolicy(limits.device());
        this.peers = new PeerReader(procRoot);
        this.inherited = true;
        this.server = listening;
        watchdog.scheduleWithFixedDelay(this::closeStalled, 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Refuses a socket path that is a symbolic link or something other than a (stale) socket, and a
     * directory others may write without the sticky bit (they could swap the socket for a link).
     */
    static void checkPlace(Path path, Path parent) throws IOException {
        if (Files.isSymbolicLink(path)) {
            throw new IOException(path + " is a symbolic link (to " + Files.readSymbolicLink(path) + "); cxld does not"
                    + " bind or follow its socket through a link: remove it, or choose another --socket");
        }
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException(path + " exists and is not a socket; cxld replaces only a stale socket of its own:"
                    + " move it away, or choose another --socket");
        }
        int mode = (Integer) Files.getAttribute(parent, "unix:mode");
        if ((mode & 0022) != 0 && (mode & 01000) == 0) {
            throw new IOException(parent + " (the socket's directory) may be written by " + ((mode & 0002) != 0 ? "anyone"
                    : "its group") + " and has no sticky bit (mode " + Integer.toOctalString(mode & 07777) + "): another"
                    + " user could replace the socket; chmod go-w it, or choose another --socket");
        }
    }

    /** Applies new limits to connections accepted and requests read from now on (a configuration reload). */
    public void limits(Limits next) {
        this.limits = next;
        dispatcher.devicePolicy(next.device());
    }

    /** True until {@link #close()}: the accept loop is alive (what the service watchdog asks). */
    public boolean accepting() {
        return server.isOpen() && !closing;
    }

    private static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    /** Accepts connections until {@link #close()}. */
    public void serve() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("accept failed on {}: {}", path, e.getMessage());
                continue;
            }
            Peer peer = peers.read(ch);
            String refusal = admit(peer.user());
            if (refusal != null) {
                refuse(ch, refusal);
                continue;
            }
            Connection c = new Connection(peer);
            open.put(ch, c);
            threads.execute(() -> handle(ch, c));
        }
    }

    /** Counts the connection in, or says why not. */
    private synchronized String admit(String user) {
        if (open.size() >= limits.maxConnections()) {
            return "cxld has " + open.size() + " connections open, its limit; try again";
        }
        int mine = perUser.getOrDefault(user, 0);
        if (mine >= limits.maxPerUser()) {
            return "user " + user + " has " + mine + " connections open to cxld, the limit per user; close some";
        }
        perUser.put(user, mine + 1);
        return null;
    }

    private synchronized void release(String user) {
        perUser.computeIfPresent(user, (u, n) -> n > 1 ? n - 1 : null);
    }

    private static void refuse(SocketChannel ch, String why) {
        try (ch) {
            String line = Dispatcher.failure(ErrorCode.BUSY, why) + "\n";
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            LOG.debug("could not refuse a connection: {}", e.getMessage());
        }
    }

    private void handle(SocketChannel ch, Connection c) {
        // Reads and writes go straight to the channel: its read and write sides lock separately,
        // so a monitor's events can be written while this thread waits for the next request.
        ChannelBytes in = new ChannelBytes(ch);
        SocketChannel out = ch;
        try (ch) {
            RequestLine line;
            while ((line = readLine(in, c)) != null) {
                if (!line.tooLong() && line.text().isBlank()) {
                    continue;
                }
                Dispatcher.Reply reply = line.tooLong()
                        ? new Dispatcher.Line(Dispatcher.failure(ErrorCode.INVALID_ARGUMENT,
                                "request longer than " + MAX_LINE + " bytes"))
                        : dispatcher.handle(line.text(), c.peer);
                PassedFile passed = null;
                if (reply instanceof Dispatcher.Passing p) {
                    passed = p.file();
                    reply = p.reply();
                }
                try (PassedFile file = passed) { // closed once sent: the client has its own descriptor now, or none
                    if (reply instanceof Dispatcher.Stream s && c.stream != null) {
                        s.subscription().close();
                        end(s, c); // a lease just granted on a connection that cannot carry it ends at once
                        reply = Dispatcher.encode(Response.failure(s.id(), ErrorCode.INVALID_ARGUMENT,
                                "this connection already carries an event stream (monitor, or a lease's events);"
                                        + " open another connection (a lease asked for here was released again)"));
                        passed = null; // a refused reply carries no descriptor
                    }
                    if (passed != null) {
                        send(out, c, reply.line(), file);
                    } else {
                        send(out, c, reply.line());
                    }
                }
                if (reply instanceof Dispatcher.Stream s) {
                    c.stream = s;
                    threads.execute(() -> pump(ch, out, c, s));
                }
                c.idleSince = System.nanoTime();
            }
        } catch (IOException e) {
            LOG.debug("connection ended: {}", e.getMessage());
        } finally {
            Dispatcher.Stream s = c.stream;
            if (s != null) {
                s.subscription().close();
                if (!closing) {
                    end(s, c); // a lease ends with its connection; not with cxld, which releases it at its next start
                }
            }
            open.remove(ch);
            release(c.peer.user());
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static void end(Dispatcher.Stream s, Connection c) {
        try {
            s.onClose().run();
        } catch (RuntimeException e) {
            LOG.error("ending the stream of {} failed", c.peer.describe(), e);
        }
    }

    private static void send(SocketChannel out, Connection c, String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        synchronized (c.writeLock) {
            while (b.hasRemaining()) {
                out.write(b);
            }
        }
    }

    /** {@link #send}, with {@code file}'s descriptor travelling with the line's first bytes. */
    private static void send(SocketChannel out, Connection c, String line, PassedFile file) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (c.writeLock) {
            int sent = FdPassing.send(out, bytes, file);
            ByteBuffer rest = ByteBuffer.wrap(bytes, sent, bytes.length - sent);
            while (rest.hasRemaining()) {
                out.write(rest);
            }
        }
    }

    /** Buffered bytes of a blocking channel. */
    private static final class ChannelBytes {
        private final SocketChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(8192).flip();

        ChannelBytes(SocketChannel ch) {
            this.ch = ch;
        }

        int read() throws IOException {
            if (!buf.hasRemaining()) {
                buf.clear();
                int n = ch.read(buf);
                buf.flip();
                if (n < 0) {
                    return -1;
                }
            }
            return buf.get() & 0xff;
        }
    }

    /** Writes a monitoring connection's events until it closes. */
    private void pump(SocketChannel ch, SocketChannel out, Connection c, Dispatcher.Stream s) {
        try {
            while (ch.isOpen()) {
                dev.cxld.protocol.Event e = s.subscription().next(500);
                if (e != null && s.only().test(e)) {
                    send(out, c, Dispatcher.eventLine(s.id(), e));
                }
            }
        } catch (IOException e) {
            LOG.debug("monitor stream of {} ended: {}", c.peer.describe(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            s.subscription().close();
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** A request line as read: its text, or only that it had more than MAX_LINE bytes. */
    private record RequestLine(String text, boolean tooLong) {}

    /**
     * The next UTF-8 line; one of more than MAX_LINE bytes is skipped to its end and reported as
     * too long. {@code null} at the end of the stream.
     */
    private static RequestLine readLine(ChannelBytes in, Connection c) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        long n = 0;
        int x;
        while ((x = in.read()) >= 0) {
            if (c.lineStarted == 0) {
                c.lineStarted = System.nanoTime();
            }
            if (x == '\n') {
                c.lineStarted = 0;
                return line(b, n);
            }
            if (n++ < MAX_LINE) {
                b.write(x);
            }
        }
        return n == 0 ? null : line(b, n);
    }

    private static RequestLine line(java.io.ByteArrayOutputStream b, long bytes) {
        return bytes > MAX_LINE ? new RequestLine(null, true) : new RequestLine(b.toString(StandardCharsets.UTF_8), false);
    }

    /** Closes connections idle too long or stuck in the middle of a request line. */
    private void closeStalled() {
        long now = System.nanoTime();
        open.forEach((ch, c) -> {
            long started = c.lineStarted;
            boolean reading = started != 0 && now - started > limits.readTimeout().toNanos();
            boolean idle = started == 0 && c.stream == null && now - c.idleSince > limits.idleTimeout().toNanos();
            if (reading || idle) {
                LOG.debug("closing a connection of {}: {}", c.peer.describe(), reading ? "request not finished in time" : "idle");
                try {
                    ch.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        closing = true;
        server.close();
        watchdog.shutdownNow();
        for (SocketChannel ch : open.keySet()) {
            ch.close();
        }
        threads.shutdownNow();
        if (!inherited) {
            Files.deleteIfExists(path);
        }
    }
}
