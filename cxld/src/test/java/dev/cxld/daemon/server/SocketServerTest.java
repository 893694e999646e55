package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket server against clients that pipeline, send too much, stall or crowd it. */
class SocketServerTest {
    @TempDir Path tmp;
    SocketServer server;
    final List<SocketChannel> clients = new ArrayList<>();

    void start(Limits limits) throws IOException {
        server = TestDispatchers.serve(tmp.resolve("s"), TestDispatchers.over(SysfsFixtures.install("ram1-empty", tmp)), limits);
    }

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    SocketChannel connect() throws IOException {
        return connect(tmp.resolve("s"), clients);
    }

    /** A client connected to {@code socket}, kept in {@code clients} to be closed after the test. */
    static SocketChannel connect(Path socket, List<SocketChannel> clients) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(socket));
        clients.add(c);
        return c;
    }

    static void send(SocketChannel c, String text) throws IOException {
        c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The next line, or null at end of stream; fails if nothing comes within 10 s. */
    static String line(SocketChannel c) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ByteBuffer one = ByteBuffer.allocate(1);
            try {
                while (true) {
                    one.clear();
                    if (c.read(one) < 0) {
                        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
                    }
                    if (one.get(0) == '\n') {
                        return b.toString(StandardCharsets.UTF_8);
                    }
                    b.write(one.get(0));
                }
            } catch (IOException e) {
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        start(Limits.DEFAULT);
        SocketChannel c = connect();
        send(c, "{\"id\":1,\"op\":\"hello\"}\n{\"id\":2,\"op\":\"nope\"}\n{\"id\":3,\"op\":\"list\",\"args\":{\"memdevs\":true}}\n");
        assertThat(line(c)).startsWith("{\"id\":1,\"ok\":true,\"result\":{\"daemon\":\"cxld\"");
        assertThat(line(c)).startsWith("{\"id\":2,\"ok\":false,\"error\":{\"code\":\"UNKNOWN_OPERATION\"");
        assertThat(line(c)).startsWith("{\"id\":3,\"ok\":true,\"result\":[{\"memdev\":\"mem0\"");
    }

    @Test
    void aMonitoringConnectionGetsEventsAndStillAnswersRequests() throws Exception {
        start(new Limits(64, 16, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        SocketChannel c = connect();
        send(c, "{\"id\":\"m\",\"op\":\"monitor\",\"args\":{\"sources\":[\"topology\"]}}\n");
        assertThat(line(c)).isEqualTo("{\"id\":\"m\",\"ok\":true,\"result\":{\"sources\":[\"topology\",\"daemon\"]}}");
        Thread.sleep(1500); // past the idle timeout: a monitoring connection is never idle
        java.nio.file.Files.writeString(tmp.resolve("ram1-empty/bus/cxl/devices/mem0").toRealPath()
                .resolve("firmware_version"), "NEW FW\n");
        send(c, "{\"id\":2,\"op\":\"hello\"}\n{\"id\":3,\"op\":\"list\"}\n");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lines.add(line(c));
        }
        // the event and the answers arrive in some order; each is a whole line
        assertThat(lines).anyMatch(l -> l.startsWith("{\"id\":2,\"ok\":true"));
        assertThat(lines).anyMatch(l -> l.startsWith("{\"id\":3,\"ok\":true"));
        assertThat(lines).anyMatch(l -> l.matches("\\{\"id\":\"m\",\"event\":\\{\"seq\":1,\"time\":\"[^\"]+\",\"source\":\"topology\","
                + "\"event\":\"changed\",\"kind\":\"memdev\",\"name\":\"mem0\",\"data\":\\{\"changed\":\\[\"firmware_version\"]}}}"));
        send(c, "{\"id\":4,\"op\":\"monitor\"}\n");
        assertThat(line(c)).isEqualTo("{\"id\":4,\"ok\":false,\"error\":{\"code\":\"INVALID_ARGUMENT\","
                + "\"message\":\"this connection already carries an event stream (monitor, or a lease's events);"
                + " open another connection (a lease asked for here was released again)\"}}");
    }

    @Test
    void anOversizedLineIsRefusedAndTheConnectionGoesOn() throws Exception {
        start(Limits.DEFAULT);
        SocketChannel c = connect();
        send(c, "{\"id\":1,\"op\":\"" + "x".repeat(100_000) + "\"}\n{\"id\":2,\"op\":\"hello\"}\n");
        assertThat(line(c)).isEqualTo(
                "{\"ok\":false,\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"request longer than 65536 bytes\"}}");
        assertThat(line(c)).startsWith("{\"id\":2,\"ok\":true");
    }

    @Test
    void aNullRequestIsAnsweredAndThePipelineGoesOn() throws Exception {
        start(Limits.DEFAULT);
        SocketChannel c = connect();
        send(c, "null\n{\"id\":2,\"op\":\"hello\"}\n");
        assertThat(line(c)).isEqualTo("{\"ok\":false,\"error\":{\"code\":\"INVALID_ARGUMENT\","
                + "\"message\":\"request is not a JSON object with id, op and args: it is null\"}}");
        assertThat(line(c)).startsWith("{\"id\":2,\"ok\":true");
    }

    @Test
    void theLineLimitCountsBytesNotCharacters() throws Exception {
        start(Limits.DEFAULT);
        SocketChannel c = connect();
        // 40,000 characters of two bytes each: 80,000 bytes, over the 65,536-byte limit
        send(c, "{\"id\":1,\"op\":\"" + "\u00e9".repeat(40_000) + "\"}\n{\"id\":2,\"op\":\"hello\"}\n");
        assertThat(line(c)).isEqualTo(
                "{\"ok\":false,\"error\":{\"code\":\"INVALID_ARGUMENT\",\"message\":\"request longer than 65536 bytes\"}}");
        assertThat(line(c)).startsWith("{\"id\":2,\"ok\":true");
        // and a line of exactly the limit is read whole, not cut into garbage
        String op = "\u00e9".repeat((SocketServer.MAX_LINE - "{\"id\":3,\"op\":\"\"}".length()) / 2);
        String exact = "{\"id\":3,\"op\":\"" + op + "\"}";
        assertThat(exact.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(SocketServer.MAX_LINE);
        send(c, exact + "\n");
        assertThat(line(c)).contains("\"id\":3", "UNKNOWN_OPERATION");
    }

    @Test
    void malformedRequestsGetErrorsNotHangs() throws Exception {
        start(Limits.DEFAULT);
        SocketChannel c = connect();
        send(c, "[1,2]\n{\"op\":\"list\",\"args\":{\"memdevs\":7}}\n{\"id\":{\"deep\":[1]},\"op\":\"hello\"}\n\u00ff\u0000\n");
        assertThat(line(c)).contains("\"code\":\"INVALID_ARGUMENT\"");
        assertThat(line(c)).contains("\"code\":\"INVALID_ARGUMENT\"").contains("list: bad arguments");
        assertThat(line(c)).startsWith("{\"id\":{\"deep\":[1]},\"ok\":true");
        assertThat(line(c)).contains("\"code\":\"INVALID_ARGUMENT\"");
    }

    @Test
    void byDefaultOneUserGets64ConcurrentConnectionsAndThe65thIsBusy() throws Exception {
        start(Limits.DEFAULT);
        List<SocketChannel> agent = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            agent.add(connect());
        }
        for (int i = 0; i < agent.size(); i++) { // all open at once, each answered
            send(agent.get(i), "{\"id\":" + i + ",\"op\":\"status\"}\n");
        }
        for (int i = 0; i < agent.size(); i++) {
            assertThat(line(agent.get(i))).startsWith("{\"id\":" + i + ",\"ok\":true");
        }
        SocketChannel more = connect();
        assertThat(line(more)).contains("\"code\":\"BUSY\"").contains("the limit per user");
    }

    @Test
    void connectionsOverTheLimitAreToldBusy() throws Exception {
        start(new Limits(2, 10, Duration.ofSeconds(60), Duration.ofSeconds(10)));
        SocketChannel a = connect();
        SocketChannel b = connect();
        send(a, "{\"id\":1,\"op\":\"hello\"}\n");
        assertThat(line(a)).contains("\"ok\":true"); // a and b are in
        send(b, "{\"id\":1,\"op\":\"hello\"}\n");
        assertThat(line(b)).contains("\"ok\":true");
        SocketChannel third = connect();
        assertThat(line(third)).isEqualTo(
                "{\"ok\":false,\"error\":{\"code\":\"BUSY\",\"message\":\"cxld has 2 connections open, its limit; try again\"}}");
        assertThat(line(third)).isNull();
        a.close();
        // a's slot comes free once its thread sees the close
        String answer = null;
        for (int i = 0; i < 50 && answer == null; i++) {
            SocketChannel again = connect();
            String l;
            try {
                send(again, "{\"id\":9,\"op\":\"hello\"}\n");
                l = line(again);
            } catch (IOException e) {
                l = null; // refused (BUSY) and closed before our write: not free yet
            }
            if (l != null && l.contains("\"ok\":true")) {
                answer = l;
            } else {
                Thread.sleep(100);
            }
        }
        assertThat(answer).startsWith("{\"id\":9,\"ok\":true");
    }

    @Test
    void oneUserCannotTakeEveryConnection() throws Exception {
        start(new Limits(10, 1, Duration.ofSeconds(60), Duration.ofSeconds(10)));
        SocketChannel a = connect();
        send(a, "{\"id\":1,\"op\":\"hello\"}\n");
        assertThat(line(a)).contains("\"ok\":true");
        SocketChannel b = connect();
        assertThat(line(b)).contains("\"code\":\"BUSY\"").contains("connections open to cxld, the limit per user");
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        start(new Limits(10, 10, Duration.ofMillis(500), Duration.ofSeconds(10)));
        SocketChannel c = connect();
        send(c, "{\"id\":1,\"op\":\"hello\"}\n");
        assertThat(line(c)).contains("\"ok\":true");
        assertThat(line(c)).as("closed by the daemon after 0.5 s idle").isNull();
    }

    @Test
    void aStalledClientBlocksNoOneAndIsClosed() throws Exception {
        start(new Limits(10, 10, Duration.ofSeconds(60), Duration.ofMillis(500)));
        SocketChannel slow = connect();
        send(slow, "{\"id\":1,\"op\":");
        SocketChannel other = connect();
        send(other, "{\"id\":2,\"op\":\"hello\"}\n");
        assertThat(line(other)).startsWith("{\"id\":2,\"ok\":true");
        assertThat(line(slow)).as("closed mid-request after 0.5 s").isNull();
    }

    @Test
    void theSocketIsNotBoundOrFollowedThroughALinkNorPutWhereOthersCouldSwapIt() throws Exception {
        Dispatcher dispatcher = TestDispatchers.over(SysfsFixtures.install("ram1-empty", tmp));
        Path target = java.nio.file.Files.writeString(tmp.resolve("precious"), "keep");
        Path link = java.nio.file.Files.createSymbolicLink(tmp.resolve("s"), target);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SocketServer(link, dispatcher, Limits.DEFAULT,
                SocketServer.Exposure.OPEN, Path.of("/proc"))).hasMessageStartingWith(link + " is a symbolic link (to "
                + target + "); cxld does not bind or follow its socket through a link");
        assertThat(java.nio.file.Files.readString(target)).isEqualTo("keep");
        assertThat(java.nio.file.Files.isSymbolicLink(link)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SocketServer(target, dispatcher, Limits.DEFAULT,
                SocketServer.Exposure.OPEN, Path.of("/proc"))).hasMessageStartingWith(target + " exists and is not a socket");
        Path open = java.nio.file.Files.createDirectory(tmp.resolve("open"));
        java.nio.file.Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SocketServer(open.resolve("s"), dispatcher, Limits.DEFAULT,
                SocketServer.Exposure.OPEN, Path.of("/proc"))).hasMessageStartingWith(open + " (the socket's directory) may be"
                + " written by anyone and has no sticky bit (mode 777)");
        java.nio.file.Files.setAttribute(open, "unix:mode", 01777); // as /tmp: others cannot remove what is cxld's
        server = new SocketServer(open.resolve("s"), dispatcher, Limits.DEFAULT, SocketServer.Exposure.OPEN, Path.of("/proc"));
    }
}
