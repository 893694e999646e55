package dev.cxld.daemon.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Unix stream socket: newline-delimited JSON, one response line per request line, in
 * order; several requests may follow each other on one connection.
 */
public final class SocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);
    /** Longest request line accepted, in characters. */
    static final int MAX_LINE = 64 * 1024;

    private final Path path;
    private final Dispatcher dispatcher;
    private final ServerSocketChannel server;
    private final ExecutorService connections = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "cxld-conn");
        t.setDaemon(true);
        return t;
    });

    /** Binds {@code path}, replacing a stale socket file; refuses when a daemon answers there. */
    public SocketServer(Path path, Dispatcher dispatcher) throws IOException {
        this.path = path;
        this.dispatcher = dispatcher;
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
            try {
                SocketChannel ch = server.accept();
                connections.execute(() -> handle(ch));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("accept failed on {}: {}", path, e.getMessage());
            }
        }
    }

    private void handle(SocketChannel ch) {
        try (ch;
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(ch)) {
            String line;
            while ((line = readLine(in)) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String reply = line.length() > MAX_LINE
                        ? "{\"ok\":false,\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"request longer than "
                                + MAX_LINE + " characters\"}}"
                        : dispatcher.handle(line);
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("connection ended: {}", e.getMessage());
        }
    }

    /** A line, cut at MAX_LINE + 1 characters (the rest of an oversized line is skipped). */
    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return b.toString();
            }
            if (b.length() <= MAX_LINE) {
                b.append((char) c);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
        Files.deleteIfExists(path);
    }
}
