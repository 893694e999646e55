package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.list.NdctlOutput;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mailbox commands through cxld on QEMU's emulated devices, RAM and persistent: `cxlctl list -M -I`
 * equals ndctl's `cxl list -M -I` in the same guest; the decoded commands say what the device
 * says; the kernel's errno for bad ioctls reaches the native layer; on pmem2 a label write is
 * refused while cxl_pmem holds the labels, then round-trips (and ndctl reads the same bytes),
 * zeroes, and is refused to an unprivileged user. See test/vm/guest/mailbox.sh.
 */
class MailboxVmIT {
    @TempDir Path out;

    @ParameterizedTest
    @ValueSource(strings = {"ram3", "pmem2"})
    void mailboxCommandsOnTheEmulatedDevices(String topology) throws Exception {
        GuestVm.Result r = GuestVm.run(topology, 450, out, "test/vm/guest/mailbox.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();

        List<String> flags = Files.readAllLines(out.resolve("flags.txt"));
        for (int n = 1; n <= flags.size(); n++) {
            JsonNode ndctl = NdctlOutput.sorted(NdctlOutput.without(NdctlOutput.parse(read("ndctl-" + n + ".json")),
                    NdctlOutput.NEWER_THAN_76));
            JsonNode ours = NdctlOutput.sorted(NdctlOutput.without(NdctlOutput.parse(read("cxlctl-" + n + ".json")),
                    NdctlOutput.NEWER_THAN_76));
            assertThat(ours).as(topology + " list " + flags.get(n - 1)).isEqualTo(ndctl);
            assertThat(ours.toString()).contains("partition_info");
            assertThat(read("cxlctl-" + n + ".err")).isEqualTo(read("ndctl-" + n + ".err"));
            // cxld list takes the same options and opens the mailboxes itself
            JsonNode direct = NdctlOutput.sorted(NdctlOutput.without(NdctlOutput.parse(read("cxld-" + n + ".json")),
                    NdctlOutput.NEWER_THAN_76));
            assertThat(direct).as(topology + " cxld list " + flags.get(n - 1)).isEqualTo(ndctl);
            assertThat(read("cxld-" + n + ".err")).isEqualTo(read("ndctl-" + n + ".err"));
        }

        JsonNode identify = json("identify.json");
        assertThat(identify.get("supported").asBoolean()).isTrue();
        assertThat(identify.at("/identify/fw_revision").asText()).isEqualTo("BWFW VERSION 00");
        assertThat(identify.at("/identify/total_capacity").asLong()).isEqualTo(512L << 20);
        assertThat(identify.at("/identify/lsa_size").asLong()).isEqualTo(topology.equals("pmem2") ? 256 * 1024 : 0);
        assertThat(json("partition.json").at("/partition_info").isObject()).isTrue();
        assertThat(json("fw-info.json").at("/firmware/num_slots").asInt()).isPositive();
        assertThat(json("logs.json").get("command_effects_log").size()).isGreaterThan(10);
        Instant device = Instant.parse(json("timestamp.json").at("/timestamp/time").asText());
        assertThat(Duration.between(device, Instant.now()).abs().toHours()).as("device clock set by the kernel").isZero();

        // QEMU's devices do not implement Get Health Info: a normal answer, not a failure
        JsonNode health = json("health.json");
        assertThat(health.get("supported").asBoolean()).isFalse();
        assertThat(health.get("reason").asText()).contains("not enabled by the kernel for mem0");
        JsonNode commands = json("commands.json").get("commands");
        assertThat(find(commands, "IDENTIFY").get("enabled").asBoolean()).isTrue();
        assertThat(find(commands, "GET_HEALTH_INFO").get("enabled").asBoolean()).isFalse();

        // set-partition beside ndctl's: QEMU's devices report partition alignment 0, so both refuse
        // from Identify before sending anything, print no memdev, and exit 1; nothing changes
        for (String c : List.of("sp-too-big", "sp-ram")) {
            assertThat(read(c + ".cxlctl.rc").strip()).as(c).isEqualTo(read(c + ".ndctl.rc").strip()).isEqualTo("1");
            assertThat(read(c + ".cxlctl.out")).as(c).isEqualTo(read(c + ".ndctl.out"));
            assertThat(read(c + ".ndctl.err")).contains("mem0: no available capacity");
            assertThat(read(c + ".cxlctl.err")).contains("mem0: no available capacity")
                    .contains("Warning: no matching devices found").contains("cmd_set_partition: set_partition 0 mem");
        }
        assertThat(json("sp-partition-after.json").at("/partition_info").toString())
                .isEqualTo(json("partition.json").at("/partition_info").toString());
        // alert configuration: not in QEMU's Command Effects Log, so the kernel enables neither command;
        // a threshold out of range is refused before any device is asked
        assertThat(json("alert-config.out").get("supported").asBoolean()).isFalse();
        assertThat(read("alert-set.rc").strip()).isEqualTo("1");
        assertThat(read("alert-set.err")).contains("mem0: Set Alert Configuration: Set Alert Configuration is not"
                + " enabled by the kernel for mem0").contains("set alert configuration for 0 mem");
        assertThat(read("alert-bad.rc").strip()).isEqualTo("1");
        assertThat(read("alert-bad.err")).contains("Invalid life used threshold: 101");

        JsonNode poison = json("poison.json");
        assertThat(poison.get("media_errors").toString()).as(read("poison.err"))
                .isEqualTo("[{\"offset\":8192,\"length\":64,\"source\":\"Injected\"}]");

        assertThat(Files.readAllLines(out.resolve("errno.txt"))).containsExactly(
                "not-enabled ENOTTY", "unknown-id ENOTTY", "wrong-input-size ENOMEM",
                "identify ok retval=0 bytes=67", "no-such-node ENOENT");

        if (topology.equals("pmem2")) {
            String labels = read("labels.txt");
            assertThat(labels).contains("held-write refused 8 cxlctl labels: mem0: Set Label Storage Area is reserved"
                    + " to the kernel: the cxl_pmem driver holds");
            assertThat(labels).contains("write ok", "read-back equal", "ndctl-read equal", "zeroed equal",
                    "nobody-zero refused 6");
            assertThat(labels).doesNotContain("cxl_nvdimm still loaded");
        }
    }

    String read(String name) throws Exception {
        return Files.readString(out.resolve(name));
    }

    JsonNode json(String name) throws Exception {
        return Json.mapper().readTree(read(name));
    }

    static JsonNode find(JsonNode commands, String name) {
        for (JsonNode c : commands) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError(name + " not in " + commands);
    }
}
