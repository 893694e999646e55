package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.list.NdctlOutput;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cxld on the kernel's own CXL mock, cxl_test (the cxltest topology: its own 6.12 kernel, built by
 * test/vm/cxltest-kernel): what QEMU cannot emulate, checked against what the kernel did. ndctl's
 * `cxl list` and `cxlctl list` agree over the whole mock topology; the mailbox answers are the
 * mock's; the firmware-committed region is found and, interleaved, not handed off; a single-target
 * region made beside it is handed off, guarded, released and destroyed; a background sanitize is
 * waited out; poison injected through cxlctl is in the kernel's poison list (ndctl reads it too)
 * and clears; DPA is reserved and freed on the decoder sysfs shows; set-partition decides and fails
 * as ndctl's does (the mock has no Set Partition Info); cxlctl monitor --daemon --format ndctl logs
 * the events cxl monitor prints; unloading the mock empties
 * what cxld serves. See test/vm/guest/cxltest.sh.
 */
class CxlTestVmIT {
    /** Keys ndctl 76.1 (Debian's, the reference here) does not print yet. */
    static final Set<String> NEWER = new HashSet<>(NdctlOutput.NEWER_THAN_76);

    static {
        NEWER.add("poison_injectable"); // v84+, where the CXL debugfs is
        NEWER.add("ram_qos_class"); // memdev QoS classes: v85 prints them (cxl-qos-class checks them), 76.1 not
        NEWER.add("pmem_qos_class");
    }

    @TempDir Path out;

    @Test
    void cxldOnTheKernelsCxlMock() throws Exception {
        GuestVm.Result r = GuestVm.run("cxltest", 900, out, "test/vm/guest/cxltest.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String log = read("cxld.log");

        // 1. list parity with ndctl, flag set by flag set
        List<String> flags = Files.readAllLines(out.resolve("flags.txt"));
        for (int n = 1; n <= flags.size(); n++) {
            JsonNode ndctl = NdctlOutput.sorted(NdctlOutput.without(NdctlOutput.parse(read("ndctl-" + n + ".json")), NEWER));
            JsonNode ours = NdctlOutput.sorted(NdctlOutput.without(NdctlOutput.parse(read("cxlctl-" + n + ".json")), NEWER));
            assertThat(ours).as("cxl list " + flags.get(n - 1) + "\n" + read("cxlctl-" + n + ".err")).isEqualTo(ndctl);
        }
        JsonNode memdevs = Json.mapper().readTree(read("cxlctl-1.json"));
        assertThat(memdevs.size()).as("cxl_test's memdevs").isGreaterThanOrEqualTo(10);

        // 2. the mock's mailbox
        String m = read("memdev.txt").strip();
        JsonNode identify = step("mbox-identify");
        assertThat(identify.at("/identify/fw_revision").asText().strip()).isEqualTo(read("sysfs-firmware_version.txt").strip());
        assertThat(identify.at("/identify/total_capacity").asLong()).isEqualTo(2L << 30);
        JsonNode health = step("mbox-health");
        assertThat(health.at("/health/life_used_percent").asInt()).isEqualTo(15);
        assertThat(health.at("/health/temperature").asInt()).isEqualTo(25);
        assertThat(read("metrics.prom")).as(read("metrics.err"))
                .containsPattern("(?m)^cxld_memdev_health_available\\{memdev=\"" + m + "\"\\} 1(\\.0)?$")
                .containsPattern("(?m)^cxld_memdev_life_used_ratio\\{memdev=\"" + m + "\"\\} 0\\.15$")
                .containsPattern("(?m)^cxld_memdev_temperature_celsius\\{memdev=\"" + m + "\"\\} 25(\\.0)?$");
        assertThat(step("mbox-fw-info").at("/firmware/num_slots").asInt()).isEqualTo(3);
        assertThat(step("mbox-partition").at("/partition_info/active_volatile_capacity").asLong()).isEqualTo(1L << 30);
        for (String c : List.of("alert-config", "logs", "timestamp", "commands")) {
            assertThat(rc("mbox-" + c)).as(c + ": " + read("mbox-" + c + ".err")).isZero();
        }

        // 3. the firmware-committed region: found, two targets, so not attachable
        JsonNode auto = Json.mapper().readTree(read("auto.json")).get(0);
        assertThat(auto.get("interleave_ways").asInt()).isEqualTo(2);
        assertThat(auto.get("decode_state").asText()).isEqualTo("commit");
        assertThat(rc("attach-auto")).isEqualTo(10);
        assertThat(read("attach-auto.err")).contains("is interleaved across 2 targets");

        // 4. the attach policy on a single-target region beside it
        assertThat(rc("create")).as(read("create.err")).isZero();
        assertThat(rc("attach")).as(read("attach.err") + log).isZero();
        assertThat(rc("disable-held")).isEqualTo(1);
        assertThat(read("disable-held.err")).contains("would invalidate the handoff");
        assertThat(read("commit-while-held.txt").strip()).isEqualTo("1");
        assertThat(rc("detach")).as(read("detach.err")).isZero();
        assertThat(rc("destroy")).as(read("destroy.err")).isZero();
        String region = Json.mapper().readTree(read("create.out")).get("region").asText();
        assertThat(read("regions-after.txt")).doesNotContain(region + "\n");

        // 5. sanitize, waited out
        assertThat(read("sanitize-state-during.txt").strip()).isEqualTo("sanitize");
        assertThat(rc("wait-sanitize")).as(read("wait-sanitize.err")).isZero();
        assertThat(Long.parseLong(read("sanitize-ms.txt").strip())).isGreaterThanOrEqualTo(1500);
        assertThat(read("sanitize-state-after.txt").strip()).isNotEqualTo("sanitize");

        // 6. poison through cxlctl, seen by the kernel's poison list (and ndctl's reading of it)
        assertThat(Json.mapper().readTree(read("poison-injectable.out")).get(0).get("poison_injectable").asBoolean())
                .isTrue();
        assertThat(rc("inject")).as(read("inject.err")).isZero();
        JsonNode poisoned = Json.mapper().readTree(read("list-poisoned.out")).get(0).get("media_errors");
        assertThat(poisoned.toString()).contains("\"offset\":1073745920").contains("\"source\":\"Injected\"");
        assertThat(rc("clear")).as(read("clear.err")).isZero();
        assertThat(Json.mapper().readTree(read("list-cleared.out")).get(0).has("media_errors")).isFalse();

        // 7. DPA reserved on the next decoder and freed, as sysfs reads back
        assertThat(rc("reserve")).as(read("reserve.err")).isZero();
        String[] reserved = read("reserved-sysfs.txt").strip().split(" ");
        assertThat(reserved[1]).isEqualTo("pmem");
        assertThat(Long.decode(reserved[2])).isEqualTo(256L << 20);
        assertThat(rc("free")).as(read("free.err")).isZero();
        assertThat(Long.decode(read("freed-sysfs.txt").strip().split(" ")[1])).isZero();

        // 7b. set-partition beside ndctl's: the same validation from the mock's Identify (256 MiB
        // alignment, 2 GiB partitionable), then the same refusal by the kernel (Set Partition Info is
        // not in the mock's Command Effects Log); the memdev printed exactly when ndctl prints it
        for (String c : List.of("sp-too-big", "sp-unaligned", "sp-aligned", "sp-pmem")) {
            assertThat(read(c + ".cxlctl.rc").strip()).as(c + read(c + ".cxlctl.err"))
                    .isEqualTo(read(c + ".ndctl.rc").strip()).isEqualTo("1");
            JsonNode ndctl = NdctlOutput.sorted(NdctlOutput.without(NdctlOutput.parse(read(c + ".ndctl.out")), NEWER));
            JsonNode ours = NdctlOutput.sorted(NdctlOutput.without(NdctlOutput.parse(read(c + ".cxlctl.out")), NEWER));
            assertThat(ours).as(c).isEqualTo(ndctl);
            assertThat(read(c + ".cxlctl.err")).contains("cmd_set_partition: set_partition 0 mem");
        }
        assertThat(read("sp-too-big.cxlctl.err")).contains(m + ": 3221225472 exceeds available capacity 2147483648")
                .contains("Warning: no matching devices found");
        assertThat(read("sp-unaligned.cxlctl.err")).contains(m + ": size 104857600 is not partition aligned 268435456");
        assertThat(read("sp-aligned.ndctl.err")).contains("Inappropriate ioctl for device");
        assertThat(read("sp-aligned.cxlctl.err")).contains("Set Partition Information is not enabled by the kernel for " + m);
        assertThat(Json.mapper().readTree(read("sp-aligned.cxlctl.out")).get(0).at("/partition_info/partition_alignment_size")
                .asLong()).isEqualTo(256L << 20);
        assertThat(read("sp-partition-after.json")).isEqualTo(read("sp-partition-before.json"));
        assertThat(rc("alert-set")).isEqualTo(1);
        assertThat(read("alert-set.err")).contains("Set Alert Configuration is not enabled by the kernel for " + m);

        // 7c. monitor beside ndctl's: the same kernel events, in the same order, for the same memdev;
        // the fields differ in form (ndctl prints the raw record, hdr_handle, log 3; cxlctl the
        // kernel's formatted fields, handle, log "Fatal"), the values they share agree, bare-hex
        // fields (dpa=%llx) included
        assertThat(rc("monitor-daemon")).as(read("monitor-daemon.err")).isZero();
        String ndctlLog = new String(Files.readAllBytes(out.resolve("ndctl-monitor.err")),
                java.nio.charset.StandardCharsets.ISO_8859_1); // its "data" fields are raw bytes
        List<JsonNode> ndctlEvents = jsonLines(ndctlLog);
        List<JsonNode> ourEvents = jsonLines(read("cxlctl-monitor.log"));
        assertThat(ndctlEvents).as(ndctlLog).hasSizeGreaterThanOrEqualTo(10);
        assertThat(ourEvents.stream().map(e -> e.get("event").asText()))
                .containsExactlyElementsOf(ndctlEvents.stream().map(e -> e.get("event").asText()).toList());
        assertThat(ourEvents.stream().map(e -> e.get("event").asText()).distinct())
                .contains("cxl_general_media", "cxl_dram", "cxl_memory_module", "cxl_generic_event");
        for (int i = 0; i < ourEvents.size(); i++) {
            JsonNode nd = ndctlEvents.get(i);
            JsonNode ours = ourEvents.get(i);
            assertThat(ours.get("system").asText()).isEqualTo("cxl");
            for (String k : List.of("memdev", "host", "serial")) {
                assertThat(ours.get(k)).as(i + " " + k).isEqualTo(nd.get(k));
            }
            if (nd.has("hdr_handle")) {
                assertThat(ours.get("handle").asLong()).as(i + " handle").isEqualTo(nd.get("hdr_handle").asLong());
                assertThat(ours.get("related_handle").asLong()).isEqualTo(nd.get("hdr_related_handle").asLong());
            }
            for (String k : List.of("dpa", "hpa", "count", "first_ts", "last_ts")) {
                if (nd.has(k)) {
                    assertThat(ours.get(k).bigIntegerValue()).as(i + " " + k).isEqualTo(nd.get(k).bigIntegerValue());
                }
            }
            assertThat(Math.abs(ours.get("timestamp").asLong() - nd.get("timestamp").asLong()))
                    .as(i + " the same record time (each instance stamps its own copy)").isLessThan(1_000_000_000L);
        }

        // 8. the mock unloaded: nothing left to serve, and cxld still serves
        JsonNode status = Json.mapper().readTree(read("status-unloaded.json"));
        assertThat(status.at("/counts/memdevs").asInt()).as(status.toString()).isZero();
        assertThat(m).startsWith("mem");
    }

    static List<JsonNode> jsonLines(String text) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : text.lines().toList()) {
            if (l.startsWith("{")) {
                out.add(Json.mapper().readTree(l));
            }
        }
        return out;
    }

    JsonNode step(String name) throws Exception {
        assertThat(rc(name)).as(name + ": " + read(name + ".err")).isZero();
        return Json.mapper().readTree(read(name + ".out"));
    }

    int rc(String step) throws Exception {
        return Integer.parseInt(read(step + ".rc").strip());
    }

    String read(String name) throws Exception {
        return Files.readString(out.resolve(name));
    }
}
