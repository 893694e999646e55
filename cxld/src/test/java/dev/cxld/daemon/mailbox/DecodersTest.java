package dev.cxld.daemon.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decoders against the responses QEMU's emulated devices gave in guests (test/vm/capture-mailbox):
 * pmem2 (persistent, 256 KiB label area) and ram3. QEMU implements neither Get Health Info nor Get
 * Alert Configuration, so those two are checked against payloads built from the spec tables.
 */
class DecodersTest {
    static byte[] captured(String topology, String memdev, String command) throws IOException {
        try (InputStream in = DecodersTest.class.getResourceAsStream("/mailbox/" + topology + "/" + memdev + "/" + command + ".bin")) {
            assertThat(in).as(command + " of " + topology + "/" + memdev).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void identifyOfAPersistentDevice() throws IOException {
        ObjectNode id = Decoders.identify(captured("pmem2", "mem0", "IDENTIFY"));
        assertThat(id.get("fw_revision").asText()).isEqualTo("BWFW VERSION 00");
        assertThat(id.get("total_capacity").asLong()).isEqualTo(512L << 20);
        assertThat(id.get("volatile_only_capacity").asLong()).isZero();
        assertThat(id.get("persistent_only_capacity").asLong()).isEqualTo(512L << 20);
        assertThat(id.get("partition_alignment").asLong()).isZero();
        assertThat(id.get("lsa_size").asLong()).isEqualTo(256 * 1024);
        assertThat(id.get("poison_list_max_mer").asInt()).isEqualTo(256);
        assertThat(id.has("poison_caps")).isTrue();
    }

    @Test
    void identifyOfARamDeviceAndTheNdctlPartitionInfo() throws IOException {
        byte[] id = captured("ram3", "mem0", "IDENTIFY");
        assertThat(Decoders.identify(id).get("volatile_only_capacity").asLong()).isEqualTo(512L << 20);
        ObjectNode ndctl = Decoders.ndctlPartitionInfo(id, captured("ram3", "mem0", "GET_PARTITION_INFO"));
        // exactly what ndctl 76.1 printed for this device in the same guest (alignment 0: no active/next keys)
        JsonNode expected = Json.mapper().readTree(DecodersTest.class.getResourceAsStream("/mailbox/ram3/ndctl-M-I.json"))
                .get(0).get("partition_info");
        assertThat(ndctl.toString()).isEqualTo(expected.toString());
    }

    @Test
    void aShortPayloadLeavesFieldsOutInsteadOfInventingThem() throws IOException {
        byte[] full = captured("pmem2", "mem0", "IDENTIFY");
        byte[] cxl2 = java.util.Arrays.copyOf(full, 0x3C); // ends before the poison fields
        ObjectNode id = Decoders.identify(cxl2);
        assertThat(id.has("lsa_size")).isTrue();
        assertThat(id.has("poison_list_max_mer")).isFalse();
        assertThat(id.has("poison_caps")).isFalse();
        assertThat(Decoders.identify(new byte[0])).isEmpty();
    }

    @Test
    void partitionInfo() throws IOException {
        ObjectNode p = Decoders.partitionInfo(captured("pmem2", "mem0", "GET_PARTITION_INFO"));
        assertThat(p.toString()).isEqualTo("{\"active_volatile_capacity\":0,\"active_persistent_capacity\":536870912,"
                + "\"next_volatile_capacity\":0,\"next_persistent_capacity\":0}");
    }

    @Test
    void firmwareSlots() throws IOException {
        ObjectNode fw = Decoders.firmware(captured("pmem2", "mem0", "GET_FW_INFO"));
        assertThat(fw.toString()).isEqualTo("{\"num_slots\":2,\"active_slot\":1,\"online_activate_capable\":true,"
                + "\"slot_1_version\":\"BWFW VERSION 0\"}");
    }

    @Test
    void supportedLogsAndTheCommandEffectsLog() throws IOException {
        ObjectNode logs = Decoders.supportedLogs(captured("pmem2", "mem0", "GET_SUPPORTED_LOGS"));
        assertThat(logs.get("logs")).hasSize(1);
        assertThat(logs.get("logs").get(0).toString()).isEqualTo(
                "{\"uuid\":\"0da9c0b5-bf41-4b78-8f79-96b1623b3f17\",\"name\":\"Command Effects Log\",\"size\":104}");
        JsonNode cel = Decoders.commandEffectsLog(captured("pmem2", "mem0", "CEL")).get("commands");
        assertThat(cel).hasSize(26);
        List<String> names = new ArrayList<>();
        cel.forEach(c -> names.add(c.get("opcode").asText() + " " + c.get("name").asText()));
        assertThat(names).contains("0x4000 Identify Memory Device", "0x4102 Get LSA", "0x4103 Set LSA",
                "0x4300 Get Poison List", "0x0200 Get FW Info");
        assertThat(names).doesNotContain("0x4200 Get Health Info"); // why health is "not supported" on QEMU
        assertThat(find(cel, "0x4103").get("effects").toString())
                .isEqualTo("[\"config_change_immediate\",\"data_change_immediate\"]");
        assertThat(find(cel, "0x0201").get("effects").toString()).isEqualTo("[\"background_operation\"]");
        assertThat(find(cel, "0x4400").get("effects").toString())
                .isEqualTo("[\"data_change_immediate\",\"security_change\",\"background_operation\"]");
    }

    static JsonNode find(JsonNode cel, String opcode) {
        for (JsonNode c : cel) {
            if (c.get("opcode").asText().equals(opcode)) {
                return c;
            }
        }
        throw new AssertionError(opcode + " not in the CEL");
    }

    @Test
    void timestampIsNanosecondsSinceTheEpoch() throws IOException {
        ObjectNode t = Decoders.timestamp(captured("pmem2", "mem0", "GET_TIMESTAMP"));
        long ns = t.get("timestamp_ns").asLong();
        // the kernel sets the device clock from its own at probe: a 2026 date
        assertThat(t.get("time").asText()).startsWith("2026-");
        assertThat(java.time.Instant.parse(t.get("time").asText()).toEpochMilli()).isEqualTo(ns / 1_000_000);
    }

    @Test
    void healthFromTheSpecTable() {
        // health_status: maintenance + hw replacement; media_status 2 (write persistency lost);
        // additional: life used warning (1), temperature critical (2<<2), corrected volatile warning (bit 4);
        // life used 42 %; temperature -5 °C; dirty shutdowns 3; volatile errors 7; pmem errors 9
        byte[] p = {0x05, 0x02, 0x19, 42, (byte) 0xfb, (byte) 0xff, 3, 0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0};
        ObjectNode h = Decoders.health(p);
        assertThat(h.get("maintenance_needed").asBoolean()).isTrue();
        assertThat(h.get("performance_degraded").asBoolean()).isFalse();
        assertThat(h.get("hw_replacement_needed").asBoolean()).isTrue();
        assertThat(h.get("media_persistence_lost").asBoolean()).isTrue();
        assertThat(h.get("media_normal").asBoolean()).isFalse();
        assertThat(h.get("ext_life_used").asText()).isEqualTo("warning");
        assertThat(h.get("ext_temperature").asText()).isEqualTo("critical");
        assertThat(h.get("ext_corrected_volatile").asText()).isEqualTo("warning");
        assertThat(h.get("ext_corrected_persistent").asText()).isEqualTo("normal");
        assertThat(h.get("life_used_percent").asInt()).isEqualTo(42);
        assertThat(h.get("temperature").asInt()).isEqualTo(-5);
        assertThat(h.get("dirty_shutdowns").asLong()).isEqualTo(3);
        assertThat(h.get("volatile_errors").asLong()).isEqualTo(7);
        assertThat(h.get("pmem_errors").asLong()).isEqualTo(9);
        byte[] notImplemented = {0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThat(Decoders.health(notImplemented).has("life_used_percent")).isFalse();
        assertThat(Decoders.health(notImplemented).has("temperature")).isFalse();
    }

    @Test
    void alertConfigFromTheSpecTable() {
        byte[] p = {0x03, 0x1f, 90, 75, 0x55, 0, (byte) 0xf6, (byte) 0xff, 0x50, 0, 0, 0, 100, 0, (byte) 0xe8, 0x03};
        ObjectNode a = Decoders.alertConfig(p);
        assertThat(a.get("life_used_prog_warn_threshold_valid").asBoolean()).isTrue();
        assertThat(a.get("dev_over_temperature_prog_warn_threshold_valid").asBoolean()).isTrue();
        assertThat(a.get("dev_under_temperature_prog_warn_threshold_valid").asBoolean()).isFalse();
        assertThat(a.get("corrected_pmem_err_prog_warn_threshold_writable").asBoolean()).isTrue();
        assertThat(a.get("life_used_crit_alert_threshold").asInt()).isEqualTo(90);
        assertThat(a.get("life_used_prog_warn_threshold").asInt()).isEqualTo(75);
        assertThat(a.get("dev_over_temperature_crit_alert_threshold").asInt()).isEqualTo(85);
        assertThat(a.get("dev_under_temperature_crit_alert_threshold").asInt()).isEqualTo(-10);
        assertThat(a.get("corrected_volatile_mem_err_prog_warn_threshold").asInt()).isEqualTo(100);
        assertThat(a.get("corrected_pmem_err_prog_warn_threshold").asInt()).isEqualTo(1000);
    }

    @Test
    void returnCodesAndCommandIdsHaveNames() {
        assertThat(ReturnCode.name(0)).isEqualTo("Success");
        assertThat(ReturnCode.name(3)).isEqualTo("Unsupported");
        assertThat(ReturnCode.name(0x16)).isEqualTo("Invalid Payload Length");
        assertThat(ReturnCode.name(0x1e)).isEqualTo("Invalid Extent List");
        assertThat(ReturnCode.name(0x2a)).isEqualTo("return code 0x2a");
        assertThat(CommandId.name(7)).isEqualTo("GET_HEALTH_INFO");
        assertThat(CommandId.name(99)).isEqualTo("COMMAND_99");
    }
}
