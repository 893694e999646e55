package dev.cxld.daemon.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Collections;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands cxld offers, without a device: responses captured from a pmem2 guest's mem0
 * replayed through the {@link Mailbox} seam, over the same guest's sysfs (label storage area of
 * 256 KiB). A small payload_max makes every chunked transfer take several commands.
 */
class MemdevCommandsTest {
    static final int PAYLOAD_MAX = 64;
    static final int LSA = 256 * 1024;

    @TempDir Path tmp;
    ReplayedMailbox mailbox;
    MemdevCommands commands;

    @BeforeEach
    void setUp() throws Exception {
        Path sys = SysfsFixtures.install("pmem2-committed", tmp);
        Snapshots snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), new EventBus(Clock.systemUTC()));
        mailbox = new ReplayedMailbox("pmem2", "mem0", PAYLOAD_MAX, LSA);
        commands = new MemdevCommands(mailbox, new SysfsAttributes(sys), snapshots);
    }

    @Test
    void labelsAreWrittenAndReadInChunksOfPayloadMaxLessTheHeader() {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 1);
        }
        ObjectNode w = commands.labelsWrite("mem0", 1000, data);
        assertThat(w.toString()).isEqualTo("{\"memdev\":\"mem0\",\"offset\":1000,\"length\":300}");
        // 300 bytes in chunks of 64 - 8 = 56: five full chunks and one of 20
        assertThat(mailbox.sent()).containsExactlyElementsOf(Collections.nCopies(6, CommandId.SET_LSA));
        assertThat(mailbox.calls.get(5).in().length).isEqualTo(8 + 20);
        mailbox.calls.clear();

        ObjectNode r = commands.labelsRead("mem0", 1000, 300L);
        assertThat(mailbox.sent()).containsExactlyElementsOf(Collections.nCopies(6, CommandId.GET_LSA));
        assertThat(r.get("length").asInt()).isEqualTo(300);
        assertThat(Base64.getDecoder().decode(r.get("data").asText())).isEqualTo(data);
    }

    @Test
    void labelsReadToTheEndAndZeroToTheEndByDefault() {
        mailbox.labels[LSA - 1] = 9;
        ObjectNode tail = commands.labelsRead("mem0", LSA - 10, null);
        assertThat(Base64.getDecoder().decode(tail.get("data").asText())).hasSize(10).endsWith(9);
        commands.labelsZero("mem0", LSA - 10, null);
        assertThat(mailbox.labels[LSA - 1]).isZero();
    }

    @Test
    void labelRangesOutsideTheAreaAreRefusedBeforeAnyCommand() {
        assertThatThrownBy(() -> commands.labelsRead("mem0", LSA - 4, 8L)).isInstanceOf(Refusal.class)
                .hasMessage("mem0: offset 262140 and length 8 fall outside its 262144-byte label storage area")
                .satisfies(t -> assertThat(((Refusal) t).error().code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> commands.labelsWrite("mem0", LSA, new byte[1])).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> commands.labelsRead("mem9", 0, 1L)).isInstanceOf(Refusal.class)
                .hasMessageStartingWith("memdev mem9 not found");
        assertThat(mailbox.calls).isEmpty();
    }

    @Test
    void partitionAsksForIdentifyAndPartitionInfo() {
        ObjectNode p = commands.partition("mem0");
        assertThat(mailbox.sent()).containsExactly(CommandId.IDENTIFY, CommandId.GET_PARTITION_INFO);
        assertThat(p.get("supported").asBoolean()).isTrue();
        assertThat(p.get("identify").get("persistent_only_capacity").asLong()).isEqualTo(512L << 20);
        assertThat(p.get("partition_info")).isEqualTo(Decoders.partitionInfo(mailbox.captured("GET_PARTITION_INFO")));
    }

    @Test
    void theCommandEffectsLogIsReadInPayloadMaxChunksAndDecoded() {
        ObjectNode logs = commands.logs("mem0");
        byte[] cel = mailbox.captured("CEL");
        int chunks = (cel.length + PAYLOAD_MAX - 1) / PAYLOAD_MAX;
        assertThat(chunks).as("the captured CEL spans several chunks").isGreaterThan(1);
        assertThat(mailbox.sent()).startsWith(CommandId.GET_SUPPORTED_LOGS).hasSize(1 + chunks);
        JsonNode decoded = logs.get("command_effects_log");
        assertThat(decoded).isEqualTo(Decoders.commandEffectsLog(cel).get("commands"));
        assertThat(decoded.size()).isEqualTo(cel.length / 4);
    }

    @Test
    void aCommandTheDeviceLacksIsAnAnswerNotAFailure() {
        ObjectNode h = commands.health("mem0");
        assertThat(h.get("supported").asBoolean()).isFalse();
        assertThat(h.get("reason").asText()).isEqualTo("Get Health Info was not captured for mem0");
    }

    @Test
    void listDetailsAddOnlyWhatWasAskedAndAvailable() {
        ObjectNode d = commands.listDetails("mem0", true, true, true, true);
        assertThat(d.has("health")).as("not captured: left out").isFalse();
        assertThat(d.get("partition_info")).isNotNull();
        assertThat(d.get("firmware")).isNotNull();
        // the captured firmware loader is idle: not in progress, no remaining_size
        assertThat(d.get("firmware").get("fw_update_in_progress").asBoolean()).isFalse();
        assertThat(d.get("firmware").has("remaining_size")).isFalse();
        mailbox.calls.clear();
        assertThat(commands.listDetails("mem0", false, false, false, false).isEmpty()).isTrue();
        assertThat(mailbox.calls).isEmpty();
    }
}
