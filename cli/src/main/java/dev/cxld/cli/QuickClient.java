package dev.cxld.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * One connection to cxld for a verb of ndctl's (see {@link NdctlEngine}), without Jackson:
 * requests written with {@link MiniJson.Obj}, answers read with {@link MiniJson}, one after
 * another on the same connection.
 */
final class QuickClient implements AutoCloseable {
    private final Path socket;
    private SocketChannel ch;
    private InputStream in;
    private int id;

    QuickClient(Path socket) {
        this.socket = socket;
    }

    /** The answer to {@code op} with {@code args}, parsed: ok, result (or text), error. */
    Map<String, Object> call(String op, MiniJson.Obj args, boolean text) throws DaemonClient.UnreachableException {
        String line = new MiniJson.Obj().put("id", ++id).put("op", op).put("format", text ? "text" : null)
                .put("args", args) + "\n";
        try {
            if (ch == null) {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    throw DaemonClient.UnreachableException.connecting(socket, e);
                }
                in = new java.io.BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
            }
            ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return MiniJson.map(MiniJson.parse(readLine()));
        } catch (DaemonClient.UnreachableException e) {
            throw e;
        } catch (IOException e) {
            throw DaemonClient.UnreachableException.lost(socket, e);
        } catch (IllegalArgumentException e) {
            throw DaemonClient.UnreachableException.lost(socket, new IOException("cxld answered something that is not JSON: "
                    + e.getMessage()));
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(8192);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return b.toString(StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        throw DaemonClient.UnreachableException.hungUp(socket);
    }

    @Override
    public void close() {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
