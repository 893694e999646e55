package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.testing.ReadingOperations;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operation table, walked: who may use what, for every operation cxld serves. */
class OperationsTest {
    static final Peer READER = new Peer(1001, 1001, 3, Set.of(), "bob", "bob", "cxlctl");
    static final Peer ADMIN = new Peer(1000, 1000, 2, Set.of(990L), "alice", "alice", "cxlctl");

    static final List<String> READING = ReadingOperations.ALL;

    @TempDir Path tmp;
    Dispatcher dispatcher;

    @BeforeEach
    void setUp() throws IOException {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        Status.Daemon self = new Status.Daemon("test", Response.PROTOCOL_VERSION, 1, Instant.now(), "k", sys.toString());
        dispatcher = TestDispatchers.over(sys, self, new Access("cxl", OptionalLong.of(990)), new EventBus(Clock.systemUTC()));
    }

    JsonNode call(Peer peer, String op, String args) throws IOException {
        String line = "{\"id\":1,\"op\":\"" + op + "\",\"args\":" + args + "}";
        Dispatcher.Reply reply = dispatcher.handle(line, peer);
        if (reply instanceof Dispatcher.Stream s) {
            s.subscription().close();
        }
        return Json.mapper().readTree(reply.line());
    }

    @Test
    void everyOperationOfTheProtocolIsDeclaredOnce() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field f : Request.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                names.add((String) f.get(null));
            }
        }
        assertThat(dispatcher.operations().keySet()).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void exactlyTheReadingOperationsAreOpenToEveryone() {
        assertThat(dispatcher.reading()).containsExactlyElementsOf(READING);
    }

    @Test
    void everyChangingOperationIsRefusedToAnUnprivilegedPeerBeforeItRuns() throws IOException {
        int walked = 0;
        for (Operation op : dispatcher.operations().values()) {
            if (op.onlyReads()) {
                continue;
            }
            // arguments that would make the operation act on mem2 and region1 if it ran
            JsonNode r = call(READER, op.name(), "{\"memdev\":\"mem2\",\"region\":\"region1\",\"target\":\"mem2\","
                    + "\"type\":\"ram\",\"memdevs\":[\"mem2\"],\"data\":\"AAAA\",\"force\":true}");
            assertThat(r.path("error").path("code").asText()).as(op.name()).isEqualTo("PERMISSION_DENIED");
            assertThat(r.path("error").path("message").asText()).as(op.name())
                    .startsWith(op.name() + " changes the system: it needs root or membership in group cxl")
                    .contains("may only use the operations that read: " + String.join(", ", READING) + ". To be allowed: ");
            walked++;
        }
        assertThat(walked).isEqualTo(dispatcher.operations().size() - READING.size()
                - ReadingOperations.ADMIN_DEVICE_READS.size()).isPositive();
    }

    @Test
    void everyReadingOperationIsAllowedToAnUnprivilegedPeer() throws IOException {
        for (String op : READING) {
            JsonNode r = call(READER, op, "{\"memdev\":\"mem0\"}");
            // it may fail for its own reasons (no device node here), never for permission
            assertThat(r.path("error").path("code").asText()).as(op).isNotEqualTo("PERMISSION_DENIED");
        }
        assertThat(call(READER, "list", "{}").get("ok").asBoolean()).isTrue();
    }

    @Test
    void anUnknownOperationIsRefusedToEveryoneAndNamesWhatExists() throws IOException {
        JsonNode r = call(ADMIN, "frobnicate", "{}");
        assertThat(r.path("error").path("code").asText()).isEqualTo("UNKNOWN_OPERATION");
        assertThat(r.path("error").path("message").asText()).isEqualTo("unknown operation \"frobnicate\"; this cxld knows: "
                + String.join(", ", dispatcher.operations().keySet()));
    }
}
