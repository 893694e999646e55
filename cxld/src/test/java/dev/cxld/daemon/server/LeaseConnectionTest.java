package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection leases through the socket server, on a captured ram3 tree (region1: mem2 alone): the
 * holder's connection hears of its handoff's end itself, and closing it ends the lease, once.
 */
class LeaseConnectionTest {
    @TempDir Path tmp;
    Path sys;
    SocketServer server;
    final List<SocketChannel> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        sys = SysfsFixtures.install("ram3-committed", tmp);
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        Status.Daemon self = new Status.Daemon("test", Response.PROTOCOL_VERSION, ProcessHandle.current().pid(),
                Instant.now(), System.getProperty("os.version"), sys.toString());
        // this process's own group is the admin group, so the test may change things without root
        long gid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
        Dispatcher dispatcher = TestDispatchers.over(sys, self, new Access("test", OptionalLong.of(gid)),
                new EventBus(Clock.systemUTC()));
        server = TestDispatchers.serve(tmp.resolve("s"), dispatcher, Limits.DEFAULT);
    }

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel c : clients) {
            c.close();
        }
        server.close();
    }

    SocketChannel connect() throws IOException {
        return SocketServerTest.connect(tmp.resolve("s"), clients);
    }

    static JsonNode ask(SocketChannel c, String request) throws Exception {
        SocketServerTest.send(c, request + "\n");
        return Json.mapper().readTree(SocketServerTest.line(c));
    }

    @Test
    void theHolderHearsOfTheRevocationOnItsOwnConnection() throws Exception {
        SocketChannel holder = connect();
        JsonNode attached = ask(holder, "{\"id\":\"lease\",\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\",\"lease\":\"connection\"}}");
        assertThat(attached.at("/ok").asBoolean()).as(attached.toString()).isTrue();
        assertThat(attached.at("/result/region").asText()).isEqualTo("region1");
        assertThat(attached.at("/result/lease/kind").asText()).isEqualTo("connection");

        SocketChannel other = connect();
        JsonNode refused = ask(other, "{\"id\":1,\"op\":\"detach-region\",\"args\":{\"target\":\"mem2\"}}");
        assertThat(refused.at("/error/code").asText()).isEqualTo("LOCKED");
        assertThat(refused.at("/error/message").asText()).contains("is leased to").contains("--force");

        Files.delete(sys.resolve("bus/cxl/devices/region1")); // the kernel deleted it
        assertThat(ask(other, "{\"id\":2,\"op\":\"status\"}").at("/ok").asBoolean()).isTrue(); // a request rescans
        JsonNode event = Json.mapper().readTree(SocketServerTest.line(holder));
        assertThat(event.at("/id").asText()).isEqualTo("lease");
        assertThat(event.at("/event/event").asText()).isEqualTo("handoff-revoked");
        assertThat(event.at("/event/data/reason").asText()).isEqualTo("region region1 was deleted");
        holder.close();
        Thread.sleep(300);
        JsonNode status = ask(other, "{\"id\":3,\"op\":\"status\"}");
        assertThat(status.at("/result/handoffs/active")).isEmpty();
        assertThat(status.at("/result/handoffs/revoked")).hasSize(1);
    }

    @Test
    void closingTheHoldingConnectionReleasesTheLeaseOnce() throws Exception {
        SocketChannel watcher = connect();
        ask(watcher, "{\"id\":\"m\",\"op\":\"monitor\",\"args\":{\"sources\":[\"handoff\"]}}");
        SocketChannel holder = connect();
        JsonNode attached = ask(holder, "{\"id\":1,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\",\"lease\":\"connection\"}}");
        assertThat(attached.at("/ok").asBoolean()).as(attached.toString()).isTrue();
        // another stream on the holding connection is refused, and does not end the lease
        JsonNode second = ask(holder, "{\"id\":2,\"op\":\"monitor\"}");
        assertThat(second.at("/error/code").asText()).isEqualTo("INVALID_ARGUMENT");
        holder.close();

        List<String> events = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonNode e = Json.mapper().readTree(SocketServerTest.line(watcher)).get("event");
            events.add(e.get("event").asText() + (e.at("/data/reason").isMissingNode() ? "" : ": " + e.at("/data/reason").asText()));
        }
        assertThat(events).containsExactly("handoff-attached",
                "handoff-released: its lease ended: the connection that held it closed");
        SocketChannel other = connect();
        JsonNode status = ask(other, "{\"id\":3,\"op\":\"status\"}");
        assertThat(status.at("/result/handoffs/active")).isEmpty();
        JsonNode again = ask(other, "{\"id\":4,\"op\":\"detach-region\",\"args\":{\"target\":\"mem2\"}}");
        assertThat(again.at("/error/code").asText()).as("released once: nothing left to detach").isEqualTo("NOT_FOUND");
    }

    @Test
    void theDeviceTravelsWithTheAnswerWhenAsked() throws Exception {
        Path node = Files.createDirectories(sys.resolve("dev")).resolve("dax1.0");
        Files.writeString(node, "the region's memory");
        SocketChannel holder = connect();
        SocketServerTest.send(holder, "{\"id\":1,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\","
                + "\"lease\":\"connection\",\"fd\":true}}\n");
        dev.cxld.daemon.nativeio.FdPassing.Received r = dev.cxld.daemon.nativeio.FdPassing.receive(holder, 65536);
        JsonNode attached = Json.mapper().readTree(new String(r.bytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(attached.at("/ok").asBoolean()).as(attached.toString()).isTrue();
        assertThat(attached.at("/result/private_memory/device").asText()).isEqualTo(node.toString());
        assertThat(r.fds()).hasSize(1);
        Path fd = Path.of("/proc/self/fd/" + r.fds()[0]);
        assertThat(Files.readSymbolicLink(fd)).isEqualTo(node);
        assertThat(Files.readString(fd)).isEqualTo("the region's memory");
        dev.cxld.daemon.nativeio.FdPassing.closeDescriptor(r.fds()[0]);

        // without a device to pass, the attach is undone
        SocketChannel other = connect();
        ask(other, "{\"id\":2,\"op\":\"detach-region\",\"args\":{\"target\":\"mem2\",\"force\":true}}");
        Files.delete(node);
        JsonNode refused = ask(other, "{\"id\":3,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\",\"fd\":true}}");
        assertThat(refused.at("/error/code").asText()).isEqualTo("KERNEL_ERROR");
        assertThat(refused.at("/error/message").asText())
                .startsWith("cannot open " + node + " to pass it: open " + node + ": No such file or directory")
                .endsWith("; nothing was handed off");
        assertThat(ask(other, "{\"id\":4,\"op\":\"status\"}").at("/result/handoffs/active")).isEmpty();
    }

    @Test
    void leaseArgumentsAreChecked() throws Exception {
        SocketChannel c = connect();
        assertThat(ask(c, "{\"id\":1,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\",\"lease\":\"forever\"}}")
                .at("/error/message").asText()).isEqualTo("\"lease\" is \"connection\" or \"process\", not \"forever\"");
        assertThat(ask(c, "{\"id\":2,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\",\"lease\":\"process\"}}")
                .at("/error/message").asText()).isEqualTo("\"lease\":\"process\" needs \"pid\", a process id");
        assertThat(ask(c, "{\"id\":3,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\",\"pid\":1}}")
                .at("/error/message").asText()).isEqualTo("\"pid\" goes with \"lease\":\"process\"");
        assertThat(ask(c, "{\"id\":4,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\",\"lease\":\"process\",\"pid\":1}}")
                .at("/error/code").asText()).as("TestDispatchers knows no processes").isEqualTo("NOT_FOUND");
        assertThat(ask(c, "{\"id\":5,\"op\":\"status\"}").at("/result/handoffs/active")).as("nothing was attached").isEmpty();
    }
}
