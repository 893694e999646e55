package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests as the socket server hands them over, from root, an admin and a reader. */
class DispatcherTest {
    static final Peer ROOT = new Peer(0, 0, 1, Set.of(), "root", "root", "cxlctl");
    static final Peer ADMIN = new Peer(1000, 1000, 2, Set.of(990L), "alice", "alice", "cxlctl");
    static final Peer READER = new Peer(1001, 1001, 3, Set.of(), "bob", "bob", "cxlctl");

    @TempDir Path tmp;
    Path sys;
    Dispatcher dispatcher;

    @BeforeEach
    void setUp() throws IOException {
        sys = SysfsFixtures.install("ram3-committed", tmp);
        Status.Daemon self = new Status.Daemon("test", Response.PROTOCOL_VERSION, 1, Instant.now(), "k", sys.toString());
        dispatcher = TestDispatchers.over(sys, self, new Access("cxl", OptionalLong.of(990)), new EventBus(Clock.systemUTC()));
    }

    JsonNode call(Peer peer, String request) throws IOException {
        return Json.mapper().readTree(dispatcher.handle(request, peer).line());
    }

    static String code(JsonNode response) {
        return response.path("error").path("code").asText();
    }

    @Test
    void aNullRequestIsMalformedLikeAnyOther() throws IOException {
        JsonNode r = call(READER, "null");
        assertThat(code(r)).isEqualTo("INVALID_ARGUMENT");
        assertThat(r.get("error").get("message").asText())
                .isEqualTo("request is not a JSON object with id, op and args: it is null");
        assertThat(code(call(READER, "  null  "))).isEqualTo("INVALID_ARGUMENT");
        assertThat(code(call(READER, "42"))).isEqualTo("INVALID_ARGUMENT");
        assertThat(call(READER, "{\"id\":2,\"op\":\"hello\"}").get("ok").asBoolean()).isTrue();
    }

    @Test
    void aMalformedRequestIsAnsweredWithItsIdAndTheFieldThatIsWrong() throws IOException {
        JsonNode r = call(READER, "{\"id\":160,\"op\":[\"status\"]}");
        assertThat(r.get("id").asInt()).isEqualTo(160);
        assertThat(r.get("error").get("message").asText()).isEqualTo("\"op\" must be a string (the operation's name)");
        assertThat(call(READER, "{\"id\":\"a\",\"op\":\"list\",\"format\":7}").get("id").asText()).isEqualTo("a");
        assertThat(call(READER, "[1]").get("error").get("message").asText())
                .isEqualTo("request is not a JSON object with id, op and args: it is an array");
        // two requests on one line are not one of them answered and the other lost
        JsonNode two = call(READER, "{\"id\":1,\"op\":\"hello\"} {\"id\":2,\"op\":\"hello\"}");
        assertThat(code(two)).isEqualTo("INVALID_ARGUMENT");
        assertThat(two.get("error").get("message").asText()).startsWith("request is not JSON: ");
        assertThat(call(READER, "{\"id\":3,\"op\":\"hello\"}").get("ok").asBoolean()).isTrue();
    }

    @Test
    void aResultAskedForAsTextIsWhatCxlctlPrintsOfIt() throws IOException {
        for (String req : new String[] {"\"op\":\"list\",\"args\":{\"verbose\":2}", "\"op\":\"list\"", "\"op\":\"hello\"",
            "\"op\":\"list\",\"args\":{\"memdevFilter\":\"mem9\"}"}) {
            JsonNode json = call(READER, "{\"id\":4," + req + "}");
            JsonNode text = call(READER, "{\"id\":4," + req + ",\"format\":\"text\"}");
            assertThat(text.get("id").asInt()).isEqualTo(4);
            assertThat(text.has("result")).isFalse();
            assertThat(text.get("text").asText()).as(req).isEqualTo(dev.cxld.protocol.JsonText.pretty(json.get("result")));
            assertThat(call(READER, "{\"id\":4," + req + ",\"format\":\"json\"}")).isEqualTo(json);
        }
        // twice, as the rendered listing is then kept: the same answer
        assertThat(call(READER, "{\"id\":1,\"op\":\"list\",\"format\":\"text\"}"))
                .isEqualTo(call(READER, "{\"id\":1,\"op\":\"list\",\"format\":\"text\"}"));
        JsonNode status = call(READER, "{\"id\":1,\"op\":\"status\",\"format\":\"text\"}");
        assertThat(Json.mapper().readTree(status.get("text").asText()).get("counts").get("memdevs").asInt()).isEqualTo(3);
        JsonNode odd = call(READER, "{\"id\":1,\"op\":\"list\",\"format\":\"yaml\"}");
        assertThat(code(odd)).isEqualTo("INVALID_ARGUMENT");
        assertThat(odd.get("error").get("message").asText()).isEqualTo("unknown format \"yaml\": \"json\" (the result as JSON,"
                + " the default) or \"text\" (as the text cxlctl prints)");
        assertThat(code(call(READER, "{\"id\":1,\"op\":\"list\",\"format\":7}"))).isEqualTo("INVALID_ARGUMENT");
    }

    @Test
    void readersMayReadButNotChange() throws IOException {
        assertThat(call(READER, "{\"id\":1,\"op\":\"list\"}").get("ok").asBoolean()).isTrue();
        assertThat(call(READER, "{\"id\":1,\"op\":\"status\"}").get("ok").asBoolean()).isTrue();
        assertThat(call(READER, "{\"id\":1,\"op\":\"hello\"}").get("result").get("may_change").asBoolean()).isFalse();
        JsonNode r = call(READER, "{\"id\":7,\"op\":\"disable-memdev\",\"args\":{\"memdev\":\"mem0\"}}");
        assertThat(code(r)).isEqualTo("PERMISSION_DENIED");
        assertThat(r.get("id").asInt()).isEqualTo(7);
        assertThat(r.get("error").get("message").asText()).contains("group cxl", "bob (uid 1001, pid 3 cxlctl)");
        assertThat(code(call(READER, "{\"id\":1,\"op\":\"enable-memdev\",\"args\":{\"memdev\":\"mem0\"}}")))
                .isEqualTo("PERMISSION_DENIED");
        assertThat(call(ADMIN, "{\"id\":1,\"op\":\"hello\"}").get("result").get("may_change").asBoolean()).isTrue();
    }

    @Test
    void aMemdevInACommittedRegionIsNotDisabledUnlessForced() throws IOException {
        JsonNode r = call(ADMIN, "{\"id\":1,\"op\":\"disable-memdev\",\"args\":{\"memdev\":\"mem2\"}}");
        assertThat(code(r)).isEqualTo("IN_USE");
        assertThat(r.get("error").get("message").asText()).startsWith("mem2 is part of an active region (region1)");
    }

    @Test
    void aKernelRefusalCarriesTheErrnoAndTheFile() throws IOException {
        // without bus/cxl/drivers/cxl_mem/unbind (cxl_mem not loaded) the write fails with ENOENT
        Files.deleteIfExists(sys.resolve("bus/cxl/drivers/cxl_mem/unbind"));
        JsonNode r = call(ROOT, "{\"id\":1,\"op\":\"disable-memdev\",\"args\":{\"memdev\":\"mem2\",\"force\":true}}");
        assertThat(code(r)).isEqualTo("KERNEL_ERROR");
        JsonNode e = r.get("error");
        assertThat(e.get("errno").asInt()).isEqualTo(2);
        assertThat(e.get("errno_name").asText()).isEqualTo("ENOENT");
        assertThat(e.get("path").asText()).endsWith("bus/cxl/drivers/cxl_mem/unbind");
        assertThat(e.get("message").asText()).startsWith("disable mem2: the kernel refused: open ")
                .endsWith("No such file or directory (ENOENT)");
    }

    @Test
    void aWriteThatChangesNothingIsReportedNotBelieved() throws IOException {
        // the captured tree keeps the write-only attribute as a plain file: the write lands, nothing changes
        Path unbind = sys.resolve("bus/cxl/drivers/cxl_mem/unbind");
        JsonNode r = call(ROOT, "{\"id\":1,\"op\":\"disable-memdev\",\"args\":{\"memdev\":\"mem2\",\"force\":true}}");
        assertThat(Files.readString(unbind)).isEqualTo("mem2");
        assertThat(code(r)).isEqualTo("KERNEL_ERROR");
        assertThat(r.get("error").get("message").asText()).contains("accepted the write", "still enabled");
    }

    @Test
    void labelWritesAreForAdminsAndCheckTheirArguments() throws IOException {
        assertThat(code(call(READER, "{\"id\":1,\"op\":\"labels-write\",\"args\":{\"memdev\":\"mem0\",\"data\":\"AA==\"}}")))
                .isEqualTo("PERMISSION_DENIED");
        assertThat(code(call(READER, "{\"id\":1,\"op\":\"labels-zero\",\"args\":{\"memdev\":\"mem0\"}}")))
                .isEqualTo("PERMISSION_DENIED");
        JsonNode bad = call(ADMIN, "{\"id\":1,\"op\":\"labels-write\",\"args\":{\"memdev\":\"mem0\",\"data\":\"%%\"}}");
        assertThat(bad.get("error").get("message").asText()).startsWith("labels-write: \"data\" is not base64");
        JsonNode negative = call(ROOT, "{\"id\":1,\"op\":\"labels-read\",\"args\":{\"memdev\":\"mem0\",\"offset\":-1}}");
        assertThat(negative.get("error").get("message").asText())
                .isEqualTo("labels-read: argument \"offset\" must be a non-negative integer");
        // ram3 memdevs have no label storage area: all of it is nothing (as ndctl's read-labels has
        // it), any byte of it is not there
        JsonNode all = call(ADMIN, "{\"id\":1,\"op\":\"labels-read\",\"args\":{\"memdev\":\"mem0\"}}");
        assertThat(all.at("/result/length").asLong()).as(all.toString()).isZero();
        assertThat(all.at("/result/data").asText()).isEmpty();
        JsonNode none = call(ADMIN, "{\"id\":1,\"op\":\"labels-read\",\"args\":{\"memdev\":\"mem0\",\"length\":16}}");
        assertThat(code(none)).isEqualTo("UNAVAILABLE");
        assertThat(none.get("error").get("message").asText()).isEqualTo("mem0 has no label storage area (label_storage_size is 0)");
    }

    @Test
    void mailboxCommandsWithoutADeviceNodeAreUnavailableAndListingStillWorks() throws IOException {
        JsonNode r = call(READER, "{\"id\":1,\"op\":\"identify\",\"args\":{\"memdev\":\"mem1\"}}");
        assertThat(code(r)).isEqualTo("UNAVAILABLE");
        assertThat(r.get("error").get("message").asText()).startsWith("mem1: no device node ");
        // a listing that asks for mailbox details lists the memdevs without them
        JsonNode list = call(READER, "{\"id\":1,\"op\":\"list\",\"args\":{\"memdevs\":true,\"partition\":true}}");
        assertThat(list.get("result")).hasSize(3);
        assertThat(list.get("result").get(0).has("partition_info")).isFalse();
    }

    @Test
    void enablingAnEnabledMemdevChangesNothing() throws IOException {
        JsonNode r = call(ADMIN, "{\"id\":1,\"op\":\"enable-memdev\",\"args\":{\"memdev\":\"mem1\"}}");
        assertThat(r.get("result").toString()).isEqualTo("{\"memdev\":\"mem1\",\"enabled\":true,\"changed\":false}");
    }

    @Test
    void badArgumentsAndUnknownObjectsAreNamed() throws IOException {
        JsonNode missing = call(ROOT, "{\"id\":1,\"op\":\"disable-memdev\"}");
        assertThat(code(missing)).isEqualTo("INVALID_ARGUMENT");
        assertThat(missing.get("error").get("message").asText()).isEqualTo("disable-memdev: argument \"memdev\" is required");
        assertThat(code(call(ROOT, "{\"id\":1,\"op\":\"disable-memdev\",\"args\":{\"memdev\":\"mem0\",\"force\":\"yes\"}}")))
                .isEqualTo("INVALID_ARGUMENT");
        assertThat(code(call(ROOT, "{\"id\":1,\"op\":\"disable-memdev\",\"args\":[1]}"))).isEqualTo("INVALID_ARGUMENT");
        JsonNode unknown = call(ROOT, "{\"id\":1,\"op\":\"enable-memdev\",\"args\":{\"memdev\":\"mem9\"}}");
        assertThat(code(unknown)).isEqualTo("NOT_FOUND");
        assertThat(unknown.get("error").get("message").asText())
                .isEqualTo("memdev mem9 not found; this host has mem0, mem1, mem2");
        JsonNode source = call(READER, "{\"id\":1,\"op\":\"monitor\",\"args\":{\"sources\":[\"dmesg\"]}}");
        assertThat(source.get("error").get("message").asText())
                .isEqualTo("monitor: unknown source \"dmesg\"; sources are topology, trace, handoff");
        assertThat(call(READER, "{\"id\":1,\"op\":\"frobnicate\"}").get("error").get("message").asText())
                .isEqualTo("unknown operation \"frobnicate\"; this cxld knows: hello, list, status, metrics, monitor,"
                        + " mailbox-commands, identify, health, partition, fw-info, alert-config, logs, timestamp,"
                        + " shutdown-state, labels-read, poison, wait-sanitize, enable-memdev, disable-memdev, labels-write, labels-zero,"
                        + " attach-region, detach-region, create-region, destroy-region, enable-region, disable-region,"
                        + " reload, enable-port, disable-port, disable-bus, inject-poison, clear-poison, set-partition,"
                        + " set-alert-config, firmware-upload, firmware-cancel, inject-protocol-error, reserve-dpa, free-dpa");
    }
}
