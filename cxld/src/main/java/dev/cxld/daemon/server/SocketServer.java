package dev.cxld.daemon.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
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
    private final Limits limits;
    private final ServerSocketChannel server;
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

    /** One client: when it last finished a request, and when its current line started (0: none). */
    private static final class Connection {
        final String user;
        volatile long idleSince = System.nanoTime();
        volatile long lineStarted;

        Connection(String user) {
            this.user = user;
        }
    }

    /** Binds {@code path}, replacing a stale socket file; refuses when a daemon answers there. */
    public SocketServer(Path path, Dispatcher dispatcher, Limits limits) throws IOException {
        this.path = path;
        this.dispatcher = dispatcher;
        this.limits = limits;
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            if (answers(path)) {
                throw new IOException(path + ": another cxld is already serving this socket");
            }
            Files.delete(path);
            LOG.info("removed stale socket {}", path);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        // Anyone may connect; what they may do is decided per request.
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        watchdog.scheduleWithFixedDelay(this::closeStalled, 200, 200, TimeUnit.MILLISECONDS);
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
            String user = peer(ch);
            String refusal = admit(user);
            if (refusal != null) {
                refuse(ch, refusal);
                continue;
            }
            Connection c = new Connection(user);
            open.put(ch, c);
            threads.execute(() -> handle(ch, c));
        }
    }

    private static String peer(SocketChannel ch) {
        try {
            UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return p.user().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
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
            String line = "{\"ok\":false,\"error\":{\"code\":\"BUSY\",\"message\":\"" + why + "\"}}\n";
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            LOG.debug("could not refuse a connection: {}", e.getMessage());
        }
    }

    private void handle(SocketChannel ch, Connection c) {
        try (ch;
                InputStream in = Channels.newInputStream(ch);
                OutputStream out = Channels.newOutputStream(ch)) {
            String line;
            while ((line = readLine(in, c)) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String reply = line.length() > MAX_LINE
                        ? "{\"ok\":false,\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"request longer than "
                                + MAX_LINE + " bytes\"}}"
                        : dispatcher.handle(line);
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                c.idleSince = System.nanoTime();
            }
        } catch (IOException e) {
            LOG.debug("connection ended: {}", e.getMessage());
        } finally {
            open.remove(ch);
            release(c.user);
        }
    }

    /**
     * A UTF-8 line, cut at MAX_LINE + 1 characters (the rest of an oversized line is skipped);
     * {@code null} at the end of the stream.
     */
    private static String readLine(InputStream in, Connection c) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int n = 0;
        int x;
        while ((x = in.read()) >= 0) {
            if (c.lineStarted == 0) {
                c.lineStarted = System.nanoTime();
            }
            if (x == '\n') {
                c.lineStarted = 0;
                return b.toString(StandardCharsets.UTF_8);
            }
            if (n++ <= MAX_LINE) {
                b.write(x);
            }
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** Closes connections idle too long or stuck in the middle of a request line. */
    private void closeStalled() {
        long now = System.nanoTime();
        open.forEach((ch, c) -> {
            long started = c.lineStarted;
            boolean reading = started != 0 && now - started > limits.readTimeout().toNanos();
            boolean idle = started == 0 && now - c.idleSince > limits.idleTimeout().toNanos();
            if (reading || idle) {
                LOG.debug("closing a connection of {}: {}", c.user, reading ? "request not finished in time" : "idle");
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
        server.close();
        watchdog.shutdownNow();
        for (SocketChannel ch : open.keySet()) {
            ch.close();
        }
        threads.shutdownNow();
        Files.deleteIfExists(path);
    }
}
