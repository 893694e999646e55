package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's teardown, exactly once, on a real kernel (ram1): a region cxld created for a handoff
 * (attach-region --create) is destroyed when the handoff ends, once, under racing detaches, across
 * a cxld killed with SIGKILL, and when the memdev is unbound while a forced detach and the holder's
 * SIGKILL race it; a region cxld did not create stays. See test/vm/guest/teardown.sh.
 */
class TeardownVmIT {
    @TempDir Path out;

    @Test
    void aRegionCxldCreatedIsDestroyedOnceAndNoOtherEver() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 900, out, "test/vm/guest/teardown.sh");
        String log = read("cxld.log");
        assertThat(r.exitCode()).as(r + log).isZero();
        String[] names = read("names.txt").strip().split(" ");
        String memdev = names[0];

        // 1. a region cxld did not create is handed back, never destroyed
        String r1 = names[1];
        assertThat(rc("attach1")).as(read("attach1.err")).isZero();
        assertThat(Json.mapper().readTree(read("attach1.out")).has("created_region")).isFalse();
        assertThat(rc("detach1")).isZero();
        assertThat(Json.mapper().readTree(read("detach1.out")).get("memory").asText()).doesNotContain("destroyed");
        assertThat(regions("after1")).contains(r1);
        assertThat(teardowns(scenario(log, "1"), r1)).isZero();

        // 2. three detaches at once: one wins, the region is destroyed once
        String r2 = names[2];
        assertThat(rc("attach2")).as(read("attach2.err") + log).isZero();
        assertThat(Json.mapper().readTree(read("attach2.out")).get("created_region").asBoolean()).isTrue();
        assertThat(regions("held2")).contains(r2);
        List<Integer> rcs = List.of(rc("detach2a"), rc("detach2b"), rc("detach2c"));
        assertThat(rcs).as(read("detach2a.err") + read("detach2b.err") + read("detach2c.err")).containsOnly(0, 4)
                .containsOnlyOnce(0);
        assertThat(regions("after2")).doesNotContain(r2);
        assertThat(teardowns(scenario(log, "2"), r2)).as(log).isEqualTo(1);

        // 3. cxld killed with SIGKILL under a lease: the next cxld releases it and destroys the region at start
        String r3 = names[3];
        assertThat(read("held3.active").strip()).isEqualTo("1");
        assertThat(regions("killed3")).contains(r3);
        assertThat(read("restarted3.active").strip()).isEqualTo("0");
        assertThat(regions("after3")).doesNotContain(r3);
        assertThat(teardowns(scenario(log, "3"), r3)).as(log).isEqualTo(1);
        assertThat(Json.mapper().readTree(read("status3.out")).at("/handoffs").has("teardowns")).isFalse();

        // 4. memdev unbound, forced detach, holder killed, at once: destroyed once, or found gone
        String r4 = names[4];
        assertThat(regions("held4")).contains(r4);
        assertThat(read("ended4.active").strip()).isEqualTo("0");
        assertThat(regions("after4")).as(log).doesNotContain(r4);
        String four = scenario(log, "4");
        assertThat(teardowns(four, r4) + goneAlready(four, r4, memdev)).as(log).isEqualTo(1);
        JsonNode status = Json.mapper().readTree(read("status4.out"));
        assertThat(status.at("/handoffs").has("teardowns")).as(status.toString()).isFalse();
        assertThat(log).doesNotContain("cannot destroy");
    }

    /** The part of the log from scenario {@code n}'s mark to the next one (teardown.sh's marks). */
    static String scenario(String log, String n) {
        return GuestVm.scenario(log, "teardown.sh", n);
    }

    /** How often cxld's log says it destroyed {@code region} as the teardown of a handoff. */
    static int teardowns(String log, String region) {
        return count(log, "destroyed " + region + ", which cxld created for the handoff of");
    }

    /** How often it says {@code region} was gone already when its teardown came. */
    static int goneAlready(String log, String region, String memdev) {
        return count(log, region + ", which cxld created for the handoff of " + memdev + ", is gone already");
    }

    static int count(String log, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The regions sysfs had at {@code point}. */
    private List<String> regions(String point) throws Exception {
        return List.of(read(point + ".regions").strip().split("\\s+"));
    }

    private String read(String name) throws Exception {
        Path p = out.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "(no " + name + ")";
    }

    private int rc(String step) throws Exception {
        return Integer.parseInt(read(step + ".rc").strip());
    }
}
