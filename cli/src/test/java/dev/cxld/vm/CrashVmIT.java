package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability suite's crash, race and fault cases on the real kernel (ram1), where the
 * kernel's behaviour matters (test/vm/guest/crash.py):
 * <ul>
 * <li>cxld killed with SIGKILL at moments spread over create-region, attach-region --create and
 * destroy-region, then started again: no region is left half-made or half torn down (every region
 * the kernel has is committed and enabled, no decoder keeps DPA without a region), a change under
 * way is finished or rolled back at start and said so in status, an acknowledged create or attach
 * is there and an acknowledged destroy is not, and a region made for an attach exists if and only
 * if a handoff holds it;</li>
 * <li>the memdev unbound from cxl_mem at moments spread over an attach-region: one outcome per
 * request, an acknowledged handoff released (revoked) exactly once, none left active on a memdev
 * that is gone, cxld serving;</li>
 * <li>uevents flooded while cxld is stopped until the kernel drops some (ENOBUFS): cxld rescans
 * and lists the region made meanwhile;</li>
 * <li>the state directory's filesystem full (ENOSPC), then read-only: changes (attach, create,
 * destroy, detach) refused with the reason and nothing half-done, status degraded until a save
 * succeeds, an acknowledged handoff kept across a restart.</li>
 * <li>16 clients at once attaching, detaching, destroying and disabling one region, then 6 detaches
 * at once: every handoff made is active or was detached once, the region is destroyed at most once
 * and never while held, nothing is revoked;</li>
 * </ul>
 * The rounds are {@code -Dcxld.crash.vm.rounds=CREATE,ATTACH,DESTROY,UNBIND,RACE} (default
 * 16,12,12,6,8).
 */
class CrashVmIT {
    static final String[] ROUNDS = System.getProperty("cxld.crash.vm.rounds", "16,12,12,6,8").split(",");
    static final Set<String> RECOVERED = Set.of("finished", "rolled back", "nothing to undo");

    @TempDir Path out;

    @Test
    void onTheRealKernelNothingIsLeftHalfMadeAndNothingAcknowledgedIsLost() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 1500, out, "test/vm/guest/crash.sh", ROUNDS);
        String log = Files.exists(out.resolve("cxld.log")) ? Files.readString(out.resolve("cxld.log")) : "(no log)";
        assertThat(r.exitCode()).as(r + log).isZero();
        JsonNode report = Json.mapper().readTree(out.resolve("crash.json").toFile());
        Map<String, Integer> outcomes = new TreeMap<>();

        killRounds(report.at("/create/rounds"), "create-region", 1, outcomes, (at, k, regions) -> {
            assertThat(k.get("active")).as(at).isEmpty();
            if (k.path("answer").path("ok").asBoolean()) {
                assertThat(regions.size()).as(at + ": acknowledged, so it is there").isEqualTo(1);
            }
        });
        killRounds(report.at("/attach/rounds"), "attach-region --create", 1, outcomes, (at, k, regions) -> {
            assertThat(k.get("active").size()).as(at + ": a region if and only if a handoff holds it")
                    .isEqualTo(regions.size());
            if (regions.size() == 1) {
                assertThat(k.at("/active/0/region").asText()).as(at).isEqualTo(regions.fieldNames().next());
                assertThat(k.at("/active/0/created_region").asBoolean()).as(at).isTrue();
            }
            if (k.path("answer").path("ok").asBoolean()) {
                assertThat(k.get("active").size()).as(at + ": acknowledged, so it is there").isEqualTo(1);
            }
        });
        killRounds(report.at("/destroy/rounds"), "destroy-region", 0, outcomes, (at, k, regions) -> {
            assertThat(k.get("active")).as(at).isEmpty();
            if (k.path("answer").path("ok").asBoolean()) {
                assertThat(regions.size()).as(at + ": acknowledged, so it is gone").isZero();
            }
        });
        assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum())
                .as("some kills landed while a create was under way: " + outcomes).isPositive();

        int round = 0;
        int revoked = 0;
        int acknowledged = 0;
        for (JsonNode u : report.at("/unbind/rounds")) {
            String at = "mem unbound after " + u.get("delay") + " s of an attach (round " + round++ + "): " + u;
            JsonNode answer = u.get("answer");
            assertThat(answer.isObject()).as(at + ": one answer").isTrue();
            if (!answer.get("ok").asBoolean()) {
                assertThat(answer.at("/error/code").asText()).as(at).isNotEqualTo("INTERNAL");
            } else {
                acknowledged++;
            }
            assertThat(u.get("active")).as(at + ": nothing handed off on a memdev that is gone").isEmpty();
            assertThat(u.get("revoked").asInt() - revoked).as(at + ": an acknowledged handoff released exactly once")
                    .isEqualTo(answer.get("ok").asBoolean() ? 1 : 0);
            revoked = u.get("revoked").asInt();
            assertThat(u.get("served_after").asBoolean()).as(at).isTrue();
        }

        int raced = 0;
        int attachWins = 0;
        round = 0;
        JsonNode races = report.at("/race/rounds");
        int revokedBefore = races.path(0).path("revoked").asInt();
        for (JsonNode x : races) {
            String at = "race round " + round++ + ": " + x;
            String region = x.get("region").asText();
            Map<String, Integer> wins = new TreeMap<>();
            for (int i = 0; i < x.get("ops").size(); i++) {
                JsonNode a = x.get("answers").get(i);
                assertThat(a.isObject()).as(at + ": one answer each").isTrue();
                assertThat(a.path("code").asText()).as(at).isNotEqualTo("INTERNAL");
                if (a.get("ok").asBoolean()) {
                    wins.merge(x.get("ops").get(i).asText(), 1, Integer::sum);
                }
                raced++;
            }
            int attached = wins.getOrDefault("attach-region", 0);
            attachWins += attached;
            assertThat(attached - wins.getOrDefault("detach-region", 0)).as(at + ": " + wins + ": every handoff made"
                    + " is active or was detached once").isEqualTo(x.get("active").size());
            assertThat(x.get("active").size()).as(at).isLessThanOrEqualTo(1);
            assertThat(wins.getOrDefault("destroy-region", 0)).as(at + ": destroyed at most once").isLessThanOrEqualTo(1);
            assertThat(x.at("/facts/regions").has(region)).as(at + ": the region is there unless destroyed")
                    .isEqualTo(wins.getOrDefault("destroy-region", 0) == 0);
            if (x.get("active").size() == 1) {
                assertThat(x.at("/facts/regions/" + region + "/commit").asText()).as(at + ": a held region stays committed")
                        .isEqualTo("1");
            }
            assertThat(x.get("revoked").asInt()).as(at + ": nothing revoked").isEqualTo(revokedBefore);
            long detached = 0;
            for (JsonNode d : x.get("detaches")) {
                assertThat(d.get("ok").asBoolean() || d.get("code").asText().equals("NOT_FOUND")).as(at).isTrue();
                detached += d.get("ok").asBoolean() ? 1 : 0;
            }
            assertThat(detached).as(at + ": six detaches at once end a handoff once").isEqualTo(x.get("active").size());
            assertThat(x.get("active_after")).as(at).isEmpty();
            assertThat(x.get("revoked_after").asInt()).as(at).isEqualTo(revokedBefore);
            assertThat(x.at("/facts_after/regions").has(region)).as(at + ": a detach leaves a region cxld did not"
                    + " create for the handoff").isEqualTo(x.at("/facts/regions").has(region));
        }
        assertThat(races.size()).isPositive();

        JsonNode o = report.get("overrun");
        assertThat(o.get("dropped").asLong()).as("the kernel dropped uevents for cxld: " + o).isPositive();
        assertThat(o.get("overruns_logged").asInt()).as("cxld saw ENOBUFS: " + o).isPositive();
        assertThat(o.at("/after/full_rescans").asInt()).as("and rescanned: " + o)
                .isGreaterThan(o.at("/before/full_rescans").asInt());
        assertThat(o.get("listed").toString()).as("the region made meanwhile is listed").contains(o.get("region").asText());

        JsonNode f = report.get("full");
        assertThat(f.at("/attach_full/error/code").asText()).isEqualTo("UNAVAILABLE");
        assertThat(f.at("/attach_full/error/message").asText()).endsWith("nothing was handed off");
        assertThat(f.at("/status_full/handoffs/active")).isEmpty();
        assertThat(f.at("/status_full/degraded").toString()).contains("No space left on device");
        assertThat(f.at("/destroy_full/error/code").asText()).as(f.get("destroy_full").toString()).isEqualTo("UNAVAILABLE");
        assertThat(f.at("/destroy_full/error/message").asText()).contains("cannot record the destroy of")
                .contains("No space left on device").endsWith("nothing was written");
        assertThat(f.get("regions_after_destroy_full").toString()).as("nothing was written: the region is whole")
                .contains("\"commit\":\"1\",\"bound\":true");
        assertThat(f.at("/destroy_freed/ok").asBoolean()).as(f.get("destroy_freed").toString()).isTrue();
        assertThat(f.at("/create_full/error/code").asText()).as(f.get("create_full").toString()).isEqualTo("UNAVAILABLE");
        assertThat(f.at("/create_full/error/message").asText()).contains("No space left on device")
                .endsWith("nothing was written");
        assertThat(f.get("regions_after_create_full")).as("nothing was written").isEmpty();
        assertThat(f.at("/create_freed/ok").asBoolean()).as(f.get("create_freed").toString()).isTrue();
        assertThat(f.at("/attach_freed/ok").asBoolean()).as(f.get("attach_freed").toString()).isTrue();
        assertThat(f.at("/status_freed/degraded")).as("a save succeeded").isEmpty();
        assertThat(f.at("/detach_ro/error/code").asText()).isEqualTo("UNAVAILABLE");
        assertThat(f.at("/detach_ro/error/message").asText()).contains("it is still handed off");
        assertThat(f.at("/status_ro/handoffs/active")).hasSize(1);
        assertThat(f.at("/status_ro/degraded").toString()).contains("Read-only file system");
        assertThat(f.at("/restart/handoffs/active")).as("acknowledged and not released: kept across a restart")
                .hasSize(1);
        assertThat(f.at("/detach_rw/ok").asBoolean()).as(f.get("detach_rw").toString()).isTrue();
        assertThat(f.at("/status_rw/degraded")).isEmpty();
        assertThat(report.get("alive").asBoolean()).isTrue();

        System.out.printf("CrashVmIT: %d kills during create-region, %d during attach-region --create, %d during"
                + " destroy-region (a request took %s, %s and %s s): ended at start %s; %d unbinds during attach (%d acknowledged, each released once);"
                + " %d racing requests in %d rounds (%d attaches won, one at a time); %d uevents written while stopped,"
                + " %d dropped by the kernel, then a rescan; ENOSPC and EROFS refused with nothing lost%n",
                report.at("/create/rounds").size(), report.at("/attach/rounds").size(), report.at("/destroy/rounds").size(),
                report.at("/create/request_seconds"), report.at("/attach/request_seconds"),
                report.at("/destroy/request_seconds"), outcomes,
                report.at("/unbind/rounds").size(), acknowledged, raced, races.size(), attachWins,
                o.get("uevents_written").asLong(), o.get("dropped").asLong());
    }

    /** What one kill round must also show, beside {@link #wholeOrNothing} and {@link #recoveries}. */
    interface RoundCheck {
        void check(String at, JsonNode round, JsonNode regions);
    }

    /**
     * The rounds of one kill loop: after each restart nothing is half-done, the change under way (if
     * any) was ended ({@code finished}: that many regions), and what {@code check} asks holds.
     */
    static void killRounds(JsonNode rounds, String request, int finished, Map<String, Integer> outcomes, RoundCheck check) {
        int round = 0;
        for (JsonNode k : rounds) {
            String at = request + " killed after " + k.get("delay") + " s (round " + round++ + "): " + k;
            JsonNode regions = k.at("/facts/regions");
            wholeOrNothing(at, k);
            check.check(at, k, regions);
            recoveries(at, k, regions, finished, outcomes);
        }
        assertThat(rounds.size()).as(request + " rounds").isPositive();
    }

    /** Every region the kernel has is committed and enabled; no endpoint decoder keeps DPA without a region. */
    static void wholeOrNothing(String at, JsonNode k) {
        JsonNode regions = k.at("/facts/regions");
        assertThat(regions.size()).as(at).isLessThanOrEqualTo(1);
        regions.properties().forEach(e -> {
            assertThat(e.getValue().get("commit").asText()).as(at + ": " + e.getKey() + " committed").isEqualTo("1");
            assertThat(e.getValue().get("bound").asBoolean()).as(at + ": " + e.getKey() + " enabled").isTrue();
        });
        k.at("/facts/decoders").properties().forEach(e -> {
            if (e.getValue().get("dpa_size").asLong() > 0) {
                assertThat(e.getValue().get("region").asText()).as(at + ": " + e.getKey() + " has DPA, so a region")
                        .isNotEmpty();
            }
        });
        assertThat(k.get("degraded")).as(at).isEmpty();
    }

    /**
     * What status says of the change under way, if one was: ended at start, as the kernel shows
     * ({@code finished}: the region there for a create, gone for a destroy).
     */
    static void recoveries(String at, JsonNode k, JsonNode regions, int finished, Map<String, Integer> outcomes) {
        assertThat(k.get("interrupted").size()).as(at).isLessThanOrEqualTo(1);
        for (JsonNode c : k.get("interrupted")) {
            String outcome = c.get("outcome").asText();
            assertThat(outcome).as(at).isIn(RECOVERED);
            assertThat(regions.size()).as(at + ": " + outcome).isEqualTo(outcome.equals("finished") ? finished : 0);
            outcomes.merge(c.get("asked").asText().replaceAll(" of mem[0-9]+$", "") + " " + outcome, 1, Integer::sum);
        }
    }
}
