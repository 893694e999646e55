package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.errors.Refusal;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names from clients are checked before anything is looked up or a path is built from them. */
class ClientNamesTest {
    static final Peer ROOT = new Peer(0, 0, 1, Set.of(), "root", "root", "cxlctl");

    /** Names no argument takes: traversal, separators, NUL, control characters, overlong, empty dots. */
    static final List<String> HOSTILE = List.of("../mem0", "mem0/../mem1", "/sys/bus/cxl/devices/mem0", "..", ".",
            "mem0\u0000", "mem\n0", "x".repeat(5000), "mem0 ", "region0/commit", "");
    /** Device names, but no memdev's, region's or decoder's. */
    static final List<String> NOT_KERNEL_NAMES = List.of("mem-1", "mem00000000000", "*", "region", "decoder0", "Mem0");

    @Test
    void kernelNamesPassAndHostileOnesAreRefusedWithTheReason() {
        assertThat(ClientNames.check("identify", "memdev", "mem12")).isEqualTo("mem12");
        assertThat(ClientNames.check("destroy-region", "region", "region0")).isEqualTo("region0");
        assertThat(ClientNames.check("create-region", "root", "decoder0.0")).isEqualTo("decoder0.0");
        assertThat(ClientNames.check("detach-region", "target", "region3")).isEqualTo("region3");
        assertThat(ClientNames.check("enable-port", "port", "pci0000:0c")).isEqualTo("pci0000:0c");
        assertThat(ClientNames.check("disable-bus", "bus", "ACPI.CXL")).isEqualTo("ACPI.CXL");
        assertThat(ClientNames.check("inject-protocol-error", "dport", "0000:0c:00.0")).isEqualTo("0000:0c:00.0");
        assertThat(ClientNames.check("attach-region", "owner", "accel runtime #2")).isEqualTo("accel runtime #2");
        for (String arg : List.of("memdev", "memdevs", "region", "decoder", "root", "target", "port", "bus", "dport")) {
            boolean strict = !List.of("port", "bus", "dport").contains(arg);
            for (String bad : strict ? concat(HOSTILE, NOT_KERNEL_NAMES) : HOSTILE) {
                assertThatThrownBy(() -> ClientNames.check("op", arg, bad)).as(arg + " " + bad)
                        .isInstanceOf(Refusal.class).hasMessageStartingWith("op: argument \"" + arg + "\" ");
            }
        }
        assertThatThrownBy(() -> ClientNames.check("enable-port", "port", "*")).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> ClientNames.check("attach-region", "owner", "a/b")).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> ClientNames.check("attach-region", "owner", "a\u001b[2J")).isInstanceOf(Refusal.class);
    }

    static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void aNameOfAnotherKindIsNamedAsSuch() {
        assertThatThrownBy(() -> ClientNames.check("destroy-region", "region", "mem0"))
                .hasMessage("destroy-region: argument \"region\" \"mem0\" is not a region (regionN) name: it is a memdev's");
        assertThatThrownBy(() -> ClientNames.check("identify", "memdev", "decoder2.0"))
                .hasMessage("identify: argument \"memdev\" \"decoder2.0\" is not a memdev (memN) name: it is a decoder's");
        assertThatThrownBy(() -> ClientNames.check("detach-region", "target", "port1"))
                .hasMessage("detach-region: argument \"target\" \"port1\" is not a memdev or region name: it is a port's");
    }

    @Test
    void theRefusalQuotesTheNameSafely() {
        assertThatThrownBy(() -> ClientNames.check("identify", "memdev", "m\u0000" + "y".repeat(100)))
                .hasMessage("identify: argument \"memdev\" \"m\\u0000" + "y".repeat(62) + "\"... is not a memdev (memN) name");
    }

    @Test
    void everyOperationRefusesHostileNamesBeforeItLooksAnythingUp(@TempDir Path tmp) throws IOException {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        Status.Daemon self = new Status.Daemon("test", Response.PROTOCOL_VERSION, 1, Instant.now(), "k", sys.toString());
        Dispatcher dispatcher = TestDispatchers.over(sys, self, new Access("cxl", OptionalLong.of(990)),
                new EventBus(Clock.systemUTC()));
        int refused = 0;
        for (String bad : List.of("../../../../etc", "mem0/../mem1", "mem0\u0000")) {
            String q = Json.mapper().writeValueAsString(bad);
            // every name argument hostile, the others valid, from root: nothing may get past the names
            String args = "{\"memdev\":" + q + ",\"memdevs\":[" + q + "],\"region\":" + q + ",\"target\":" + q
                    + ",\"decoder\":" + q + ",\"root\":" + q + ",\"port\":" + q + ",\"bus\":" + q + ",\"dport\":" + q
                    + ",\"type\":\"ram\",\"size\":268435456,\"address\":0,\"data\":\"AAAA\",\"offset\":0,\"length\":4,"
                    + "\"protocol\":\"mem\",\"severity\":\"correctable\"}";
            for (Operation op : dispatcher.operations().values()) {
                Dispatcher.Reply reply = dispatcher.handle("{\"id\":1,\"op\":\"" + op.name() + "\",\"args\":" + args + "}", ROOT);
                if (reply instanceof Dispatcher.Stream s) {
                    s.subscription().close();
                }
                JsonNode r = Json.mapper().readTree(reply.line());
                String code = r.path("error").path("code").asText();
                // an operation without a name argument answers (or fails) as it would; none looks the name up
                assertThat(code).as(op.name() + " " + bad + ": " + r).isNotIn("NOT_FOUND", "INTERNAL", "BUSY");
                if (!code.equals("INVALID_ARGUMENT")) {
                    assertThat(r.toString()).as(op.name()).doesNotContain(q);
                }
                if (code.equals("INVALID_ARGUMENT") && r.path("error").path("message").asText().contains(" is not a ")) {
                    refused++;
                }
            }
        }
        assertThat(refused).isGreaterThanOrEqualTo(3 * 30);
    }
}
