package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accelerator policy at probe time on a real kernel (ram1, kmem loaded): a memdev that cxld's
 * configuration names by its serial is handed off without anyone asking, at cxld's start, after
 * enable-memdev and after a hotplug-like unbind/bind; what is published (status, the file under
 * /run/cxld/handoffs) is checked against /proc/iomem, MemTotal and the dax node; an administrator's
 * detach is not undone, a restart keeps the handoff, an uncommitted region is degraded and
 * attached once committed. See test/vm/guest/policy.sh.
 */
class PolicyVmIT {
    @TempDir Path out;

    @Test
    void aDesignatedMemdevIsHandedOffWhenItArrivesAndOnlyThen() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 900, out, "test/vm/guest/policy.sh");
        String log = read("cxld.log");
        assertThat(r.exitCode()).as(r + log).isZero();
        String[] facts = read("memdev.txt").strip().split(" ");
        String m = facts[0];
        assertThat(facts[1]).isEqualTo("0x100");
        assertThat(facts[2]).isEqualTo("8086:0d93");

        // 0. a configuration that does not check: exit 78 naming file and line; a good one explained
        assertThat(rc("bad")).isEqualTo(78);
        assertThat(read("bad.err")).isEqualTo("cxld: /tmp/etc/bad.conf:3: unknown key size in [accelerator accel0];"
                + " known: create-region, holder, pci, serial, user\n");
        assertThat(rc("check")).as(read("check.err")).isZero();
        assertThat(read("check.out")).isEqualTo("read /tmp/etc/cxld.conf\nsocket /tmp/cxld.sock (mode 0666), sysfs /sys,"
                + " state /var/lib/cxld, admin group cxl, connections 256 (64 per user)\naccelerator accel0"
                + " (/tmp/etc/cxld.conf:2): serial 0x100, holder \"accel-runtime\", create-region yes, user nobody (uid 65534)\n");
        long memBefore = memTotal("before");

        // 1. at start: a region created, private, handed to the holder, published
        JsonNode h1 = attached("attached1", m, true);
        assertThat(memTotal("attached1")).as("no byte of the region counted as System RAM").isEqualTo(memBefore);
        assertThat(read("attached1.node")).as("the dax node granted to nobody")
                .contains("/dev/" + h1.get("dax").asText() + " 65534 ");
        assertThat(scenario(log, "1")).contains("accelerator accel0 (/tmp/etc/cxld.conf:2): handed off "
                + h1.get("region").asText() + " of " + m + " to \"accel-runtime\" at probe time");

        // 2. an administrator's detach ends it, destroys the region cxld created, and is not undone
        assertThat(rc("detach2")).as(read("detach2.err")).isZero();
        JsonNode s2 = status("detached2");
        assertThat(s2.at("/handoffs/active")).isEmpty();
        assertThat(memdevState(s2)).isEqualTo("released");
        assertThat(read("detached2.regions")).doesNotContain(h1.get("region").asText());
        assertThat(read("detached2.file").strip()).isEqualTo("absent");

        // 3. disable-memdev, enable-memdev: handed off again on its own
        assertThat(rc("disable3")).as(read("disable3.err")).isZero();
        assertThat(rc("enable3")).as(read("enable3.err")).isZero();
        attached("attached3", m, true);

        // 4. unbound and bound by raw sysfs writes, with no request to cxld: revoked, then handed off again
        Map<String, Instant> t = GuestVm.times(out);
        assertThat(Duration.between(t.get("unbind4"), t.get("revoked4"))).as("unpublished after the unbind")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(Duration.between(t.get("bind4"), t.get("attached4"))).as("published after the bind")
                .isLessThan(Duration.ofSeconds(60));
        JsonNode h4 = attached("attached4", m, true);
        JsonNode s4 = status("attached4");
        assertThat(s4.at("/handoffs/revoked").toString()).contains("memdev " + m + " was disabled");
        assertThat(scenario(log, "4")).contains("at probe time").doesNotContain("cannot destroy");

        // 5. a restarted cxld keeps it: the same handoff, not a second one
        JsonNode s5 = status("restarted5");
        assertThat(s5.at("/handoffs/active")).hasSize(1);
        assertThat(s5.at("/handoffs/active/0/since").asText()).isEqualTo(h4.get("since").asText());
        assertThat(memdevState(s5)).isEqualTo("attached");
        assertThat(scenario(log, "5")).doesNotContain("at probe time");

        // 6. an uncommitted region: degraded, not attached; committed by hand: handed off, and not cxld's to destroy
        String r6 = read("region6.txt").strip();
        JsonNode s6 = status("degraded6");
        assertThat(s6.at("/handoffs/active")).isEmpty();
        JsonNode d = s6.at("/accelerators/0/memdevs/0");
        assertThat(d.get("state").asText()).isEqualTo("degraded");
        assertThat(d.get("rule").asText()).isEqualTo("not_committed");
        assertThat(d.get("region").asText()).isEqualTo(r6);
        assertThat(s6.get("degraded").toString()).contains("\"object\":\"" + m + "\"")
                .contains("accelerator accel0: " + r6 + " (the first region of " + m);
        assertThat(scenario(log, "6")).contains("accelerator accel0 (/tmp/etc/cxld.conf:2): " + m
                + " not handed off: " + r6);
        JsonNode h6 = attached("attached6", m, false);
        assertThat(h6.get("region").asText()).isEqualTo(r6);
        assertThat(rc("detach6b")).as(read("detach6b.err")).isZero();
        assertThat(read("after6.regions")).contains(r6);
        assertThat(memdevState(status("after6"))).isEqualTo("released");
        assertThat(read("after6.file").strip()).isEqualTo("absent");
        assertThat(log).doesNotContain("Exception");
    }

    /**
     * At {@code point}: one handoff of {@code m}, by the policy, to its holder, private memory, and the
     * published file saying the same; whether cxld created its region.
     */
    private JsonNode attached(String point, String m, boolean created) throws Exception {
        JsonNode s = status(point);
        assertThat(s.at("/handoffs/active")).as(s.toString()).hasSize(1);
        JsonNode h = s.at("/handoffs/active/0");
        assertThat(h.get("memdev").asText()).isEqualTo(m);
        assertThat(h.get("accelerator").asText()).isEqualTo("accel0");
        assertThat(h.at("/holder/owner").asText()).isEqualTo("accel-runtime");
        assertThat(h.has("lease")).isFalse();
        assertThat(h.path("created_region").asBoolean(false)).isEqualTo(created);
        assertThat(h.at("/private_memory/system_ram").asBoolean(true)).isFalse();
        assertThat(memdevState(s)).isEqualTo("attached");
        assertThat(Json.mapper().readTree(read(point + ".file"))).as("the published file").isEqualTo(h);
        long start = h.at("/hpa_range/start").asLong();
        long end = h.at("/hpa_range/end").asLong();
        assertThat(PrivateMemoryVmIT.systemRam(read(point + ".iomem"), start, end)).as("System RAM in the range")
                .isFalse();
        return h;
    }

    private static String memdevState(JsonNode status) {
        return status.at("/accelerators/0/memdevs/0/state").asText();
    }

    private JsonNode status(String point) throws Exception {
        return Json.mapper().readTree(read(point + ".status"));
    }

    private long memTotal(String point) throws Exception {
        return Long.parseLong(read(point + ".memtotal").strip());
    }

    /** The part of the log from scenario {@code n}'s mark to the next one (policy.sh's marks). */
    static String scenario(String log, String n) {
        return GuestVm.scenario(log, "policy.sh", n);
    }

    private String read(String name) throws Exception {
        Path p = out.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "(no " + name + ")";
    }

    private int rc(String step) throws Exception {
        return Integer.parseInt(read(step + ".rc").strip());
    }
}
