package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading through devices: who may, by operation (configurable), and how often a user who is not an admin may. */
class DevicePolicyTest {
    static final Peer READER = new Peer(1001, 1001, 3, Set.of(), "bob", "bob", "cxlctl");
    static final Peer OTHER = new Peer(1002, 1002, 4, Set.of(), "carol", "carol", "cxlctl");
    static final Peer ADMIN = new Peer(1000, 1000, 2, Set.of(990L), "alice", "alice", "cxlctl");

    @TempDir Path tmp;
    Dispatcher dispatcher;

    @BeforeEach
    void setUp() throws IOException {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        Status.Daemon self = new Status.Daemon("test", Response.PROTOCOL_VERSION, 1, Instant.now(), "k", sys.toString());
        dispatcher = TestDispatchers.over(sys, self, new Access("cxl", OptionalLong.of(990)), new EventBus(Clock.systemUTC()));
    }

    JsonNode call(Peer peer, String op, String args) throws IOException {
        return Json.mapper().readTree(dispatcher.handle("{\"id\":1,\"op\":\"" + op + "\",\"args\":" + args + "}", peer).line());
    }

    static String code(JsonNode r) {
        return r.path("error").path("code").asText();
    }

    @Test
    void labelContentsAndPoisonAddressesAreTheAdminsByDefault() throws IOException {
        for (String op : List.of("labels-read", "poison")) {
            JsonNode r = call(READER, op, "{\"memdev\":\"mem0\"}");
            assertThat(code(r)).as(op).isEqualTo("PERMISSION_DENIED");
            assertThat(r.path("error").path("message").asText()).as(op).contains("from the device, which the device policy"
                    + " keeps to root and group cxl", "bob (uid 1001", op + "=anyone");
            assertThat(code(call(ADMIN, op, "{\"memdev\":\"mem0\"}"))).as(op).isNotEqualTo("PERMISSION_DENIED");
        }
        // a list that asks for media errors is the poison list's: the admin's
        assertThat(code(call(READER, "list", "{\"memdevs\":true,\"mediaErrors\":true}"))).isEqualTo("PERMISSION_DENIED");
        assertThat(call(ADMIN, "list", "{\"memdevs\":true,\"mediaErrors\":true}").get("ok").asBoolean()).isTrue();
        // the other device reads are everyone's
        assertThat(code(call(READER, "identify", "{\"memdev\":\"mem0\"}"))).isNotEqualTo("PERMISSION_DENIED");
        assertThat(call(READER, "list", "{\"memdevs\":true,\"health\":true}").get("ok").asBoolean()).isTrue();
    }

    @Test
    void thePolicyIsConfigurablePerOperationAndTakesEffectAtOnce() throws IOException {
        dispatcher.devicePolicy(DevicePolicy.parse(List.of("labels-read=anyone", "identify=admin"), 20));
        assertThat(code(call(READER, "labels-read", "{\"memdev\":\"mem0\"}"))).isNotEqualTo("PERMISSION_DENIED");
        assertThat(code(call(READER, "identify", "{\"memdev\":\"mem0\"}"))).isEqualTo("PERMISSION_DENIED");
        assertThat(code(call(READER, "poison", "{\"memdev\":\"mem0\"}"))).isEqualTo("PERMISSION_DENIED");
        assertThat(dispatcher.reading()).contains("labels-read").doesNotContain("identify", "poison");
        assertThatThrownBy(() -> DevicePolicy.parse(List.of("enable-memdev=anyone"), 20))
                .hasMessageStartingWith("\"enable-memdev=anyone\": enable-memdev is not an operation that reads a device;");
        assertThatThrownBy(() -> DevicePolicy.parse(List.of("poison=everyone"), 20))
                .hasMessage("\"poison=everyone\": say OP=anyone or OP=admin");
    }

    @Test
    void oneUserCannotStarveTheAdminsDeviceReads() throws IOException {
        dispatcher.devicePolicy(DevicePolicy.parse(List.of(), 5));
        int served = 0;
        int busy = 0;
        for (int i = 0; i < 50; i++) {
            JsonNode r = call(READER, "identify", "{\"memdev\":\"mem0\"}");
            if (code(r).equals("BUSY")) {
                busy++;
                assertThat(r.path("error").path("message").asText()).contains("device-reads-per-second", "try again in");
            } else {
                served++;
            }
        }
        // a burst of twice the rate, then about the rate (the loop takes well under a second)
        assertThat(served).isBetween(10, 15);
        assertThat(busy).isEqualTo(50 - served);
        // other users have their own budget; admins are not limited; reads that do not reach a device are not counted
        assertThat(code(call(OTHER, "identify", "{\"memdev\":\"mem0\"}"))).isNotEqualTo("BUSY");
        for (int i = 0; i < 50; i++) {
            assertThat(code(call(ADMIN, "identify", "{\"memdev\":\"mem0\"}"))).isNotEqualTo("BUSY");
        }
        assertThat(call(READER, "list", "{\"memdevs\":true}").get("ok").asBoolean()).isTrue();
        assertThat(call(READER, "status", "{}").get("ok").asBoolean()).isTrue();
    }

    @Test
    void thePolicysOperationsAreExactlyThoseTheTableDeclaresDeviceReading() {
        // DevicePolicy.OPERATIONS is checked at configuration time, before the table exists: one truth, pinned here
        assertThat(dispatcher.operations().values().stream().filter(o -> o.effect() == Operation.Effect.READS_DEVICE)
                .map(Operation::name)).containsExactlyInAnyOrderElementsOf(DevicePolicy.OPERATIONS);
    }

    @Test
    void theBudgetRefillsAtTheRate() {
        DeviceReadBudget b = new DeviceReadBudget();
        long t = 1_000_000_000L;
        for (int i = 0; i < 4; i++) {
            assertThat(b.take(7, 2, t)).isZero();
        }
        assertThat(b.take(7, 2, t)).isEqualTo(500_000_000L);
        assertThat(b.take(7, 2, t + 500_000_000L)).isZero();
        assertThat(b.take(7, 0, t)).isZero();
    }
}
