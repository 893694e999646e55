package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** One connection to cxld: send a request line, read its response line. */
public final class DaemonClient {
    /** cxld could not be reached or hung up; the message names the socket and why. */
    public static final class UnreachableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }

        private static String reason(IOException e) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }

        static UnreachableException connecting(Path socket, IOException e) {
            return new UnreachableException("cannot reach cxld at " + socket + ": " + reason(e) + "; " + advice(socket, e), e);
        }

        /** What to do about a connection that failed, by why it failed. */
        static String advice(Path socket, IOException e) {
            String why = reason(e);
            if (why.contains("No such file") || e instanceof java.nio.file.NoSuchFileException) {
                return "cxld is not running, or is still starting (it makes the socket once its first scan is done):"
                        + " systemctl start cxld, then systemctl status cxld; a cxld serving another socket is named"
                        + " with --socket or CXLD_SOCKET";
            }
            if (why.contains("Connection refused")) {
                return "nothing listens there: cxld stopped or crashed (systemctl status cxld; journalctl -u cxld says"
                        + " why), or is restarting (try again in a moment)";
            }
            if (why.contains("Permission denied") || e instanceof java.nio.file.AccessDeniedException) {
                return "this user may not open the socket: its mode lets only its owner and group in (ls -l " + socket
                        + "); join that group (usermod -aG GROUP USER, then log in again) or use sudo";
            }
            return "is cxld running? (systemctl status cxld); --socket or CXLD_SOCKET name another socket";
        }

        static UnreachableException hungUp(Path socket) {
            return new UnreachableException("cxld at " + socket + " closed the connection without answering", null);
        }

        static UnreachableException lost(Path socket, IOException e) {
            return new UnreachableException("lost the connection to cxld at " + socket + ": " + reason(e), e);
        }
    }

    private final Path socket;
    private int nextId = 1;

    public DaemonClient(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    public Response call(String op, JsonNode args) throws IOException {
        return stream(op, args, null);
    }

    /**
     * {@link #call}, asking for the result as the text cxlctl prints ({@code "format":"text"});
     * {@link #printed} gives it, also from a cxld that answers with JSON.
     */
    public Response callText(String op, JsonNode args) throws IOException {
        return exchange(new Request(IntNode.valueOf(nextId++), op, args, Request.Format.TEXT), r -> { }, null, ch -> { });
    }

    /** The text cxlctl prints for a successful response. */
    public static String printed(Response r) {
        return r.text() != null ? r.text() : JsonText.pretty(r.result());
    }

    /** Receives the events of a streaming operation (monitor); returns false to stop. */
    public interface EventSink {
        boolean event(JsonNode event) throws IOException;
    }

    /**
     * Sends one request; when it succeeds and {@code events} is not null, hands every event line
     * that follows to {@code events} until it returns false or cxld closes the connection.
     */
    public Response stream(String op, JsonNode args, EventSink events) throws IOException {
        return stream(op, args, r -> { }, events);
    }

    /**
     * {@link #stream(String, JsonNode, EventSink)}, handing the response to {@code answered} as soon
     * as it arrives, before any event (a lease's holder shows its handoff, then waits).
     */
    public Response stream(String op, JsonNode args, java.util.function.Consumer<Response> answered, EventSink events)
            throws IOException {
        return stream(op, args, answered, events, ch -> { });
    }

    /**
     * {@link #stream(String, JsonNode, java.util.function.Consumer, EventSink)}, handing the
     * connection to {@code opened} first, so that another thread can end the stream by closing it
     * (the stream then ends with an {@link java.nio.channels.AsynchronousCloseException}).
     */
    public Response stream(String op, JsonNode args, java.util.function.Consumer<Response> answered, EventSink events,
            java.util.function.Consumer<SocketChannel> opened) throws IOException {
        return exchange(new Request(IntNode.valueOf(nextId++), op, args), answered, events, opened);
    }

    private Response exchange(Request req, java.util.function.Consumer<Response> answered, EventSink events,
            java.util.function.Consumer<SocketChannel> opened) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            opened.accept(ch);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw UnreachableException.connecting(socket, e);
            }
            OutputStream out = Channels.newOutputStream(ch);
            out.write((Json.mapper().writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw UnreachableException.hungUp(socket);
            }
            Response r = Json.mapper().readValue(line, Response.class);
            answered.accept(r);
            if (events != null && r.ok()) {
                while ((line = in.readLine()) != null) {
                    JsonNode e = Json.mapper().readTree(line).get("event");
                    if (e != null && !events.event(e)) {
                        break;
                    }
                }
            }
            return r;
        }
    }

}
