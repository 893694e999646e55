package dev.cxld.daemon.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.control.PrivateMemoryControl;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.MemorySysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability suite's races on one region: many threads attach, detach, end leases, end
 * holders and ask for disable or destroy of the same memdev and region at the same instant, round
 * after round. Each round has exactly one winner; every handoff is released exactly once (one
 * handoff-released event per acknowledged attach), the region cxld made for a handoff is destroyed
 * exactly once, refusals are the documented ones, and the saved state agrees at the end. It prints
 * what it tried and found. {@code -Dcxld.race.rounds=N} (default 300) makes longer runs.
 */
class HandoffRaceTest {
    static final int ROUNDS = Integer.getInteger("cxld.race.rounds", 300);
    static final int THREADS = 16;
    static final Handoff.Holder ALICE = new Handoff.Holder(1000, "alice", 4242L, "runtime", "accel-0");

    @TempDir Path tmp;
    final EventBus bus = new EventBus(Clock.systemUTC());
    final List<String> destroyed = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool;

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void everyRoundHasOneWinnerAndEveryHandoffEndsExactlyOnce() throws Exception {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        Snapshots snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), bus);
        Map<Long, Long> running = new ConcurrentHashMap<>();
        RegionTeardown teardown = (region, resource, size) -> {
            destroyed.add(region);
            return true;
        };
        Handoffs hs = new Handoffs(new HandoffStore(tmp.resolve("state")), snapshots,
                new PrivateMemoryControl(new SysfsAttributes(sys), new MemorySysfs(sys), sys.resolve("dev")), bus,
                Clock.systemUTC(), pid -> running.containsKey(pid) ? java.util.OptionalLong.of(running.get(pid))
                        : java.util.OptionalLong.empty(), teardown, new HandoffFiles(tmp.resolve("run/handoffs")));
        pool = Executors.newFixedThreadPool(THREADS);
        Map<String, Integer> outcomes = new TreeMap<>();
        int attached = 0;
        int createdRegions = 0;
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            for (int round = 0; round < ROUNDS; round++) {
                // 1. everyone attaches at once, some as the region's maker: one wins, the rest are LOCKED
                boolean made = round % 3 == 0;
                List<Object> r = race(i -> made ? hs.attach("mem2", ALICE, null, null, null, "region1", null)
                        : hs.attach("mem2", ALICE));
                long wins = r.stream().filter(o -> o instanceof Handoff).count();
                assertThat(wins).as("round " + round + ": attach winners " + r).isEqualTo(1);
                assertThat(codes(r)).as("round " + round).containsOnly(ErrorCode.LOCKED);
                attached++;
                createdRegions += made ? 1 : 0;
                Handoff h = hs.active().get(0);
                // 2. every way of ending it at once: detaches (forced), the holder's end, a lease check,
                // refusals of disable and destroy while it holds; exactly one ending wins
                List<Object> ends = race(i -> switch (i % 4) {
                    case 0 -> hs.detach("mem2", false);
                    case 1 -> hs.abandon(h, "the attach was undone");
                    case 2 -> {
                        hs.refuseIfHeld(i % 8 == 2 ? "mem2" : "region1", i % 8 == 2 ? "disable-memdev" : "destroy-region");
                        yield "not held";
                    }
                    default -> hs.checkLeases();
                });
                long released = ends.stream().filter(o -> o instanceof Handoffs.Released
                        || o instanceof Optional<?> opt && opt.isPresent()).count();
                assertThat(released).as("round " + round + ": endings that released " + ends).isEqualTo(1);
                assertThat(codes(ends)).as("round " + round).isSubsetOf(ErrorCode.NOT_FOUND, ErrorCode.LOCKED);
                assertThat(hs.active()).isEmpty();
                for (Object o : ends) {
                    String k = o instanceof Refusal f ? f.error().code().name() : o instanceof Handoffs.Released ? "detach won"
                            : o instanceof Optional<?> opt ? (opt.isPresent() ? "holder's end won" : "holder's end found none")
                            : o instanceof List<?> l ? "lease check" : String.valueOf(o);
                    outcomes.merge(k, 1, Integer::sum);
                }
            }
            // one attached and one released event per handoff, and nothing more
            int attachedEvents = 0;
            int releasedEvents = 0;
            Event e;
            while ((e = events.next(200)) != null) {
                if (e.event().equals("handoff-attached")) {
                    attachedEvents++;
                } else if (e.event().equals("handoff-released")) {
                    releasedEvents++;
                } else {
                    throw new AssertionError("unexpected " + e);
                }
            }
            System.out.printf("races (%d threads on region1/mem2): %d rounds, %d attaches won (1 a round), %d releases"
                    + " (1 a handoff), %d regions made for a handoff destroyed once each; the losers: %s%n", THREADS,
                    ROUNDS, attachedEvents, releasedEvents, destroyed.size(), outcomes);
            assertThat(attachedEvents).isEqualTo(attached);
            assertThat(releasedEvents).isEqualTo(attached);
        }
        assertThat(destroyed).hasSize(createdRegions).containsOnly("region1");
        // the saved state agrees: nothing held, and a restart finds nothing
        assertThat(Files.readString(tmp.resolve("state/handoffs.json"))).contains("\"handoffs\" : [ ]");
        assertThat(new Handoffs(new HandoffStore(tmp.resolve("state")), snapshots,
                new PrivateMemoryControl(new SysfsAttributes(sys), new MemorySysfs(sys), sys.resolve("dev")), bus,
                Clock.systemUTC(), pid -> java.util.OptionalLong.empty(), teardown,
                new HandoffFiles(tmp.resolve("run/handoffs"))).active()).isEmpty();
    }

    /**
     * A change that claimed the region (destroy-region, disable-memdev) is never overlapped by an
     * attach: while a claim is held, the region is not handed off; attaches meanwhile are BUSY. In a
     * guest, a destroy-region racing an attach-region once tore down the region just handed off.
     */
    @Test
    void noAttachSlipsInWhileAChangeHoldsItsClaim() throws Exception {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        Snapshots snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), bus);
        Handoffs hs = new Handoffs(new HandoffStore(tmp.resolve("state")), snapshots,
                new PrivateMemoryControl(new SysfsAttributes(sys), new MemorySysfs(sys), sys.resolve("dev")), bus,
                Clock.systemUTC(), pid -> java.util.OptionalLong.empty(), (region, resource, size) -> true,
                new HandoffFiles(tmp.resolve("run/handoffs")));
        pool = Executors.newFixedThreadPool(THREADS);
        Map<String, Integer> outcomes = new TreeMap<>();
        int rounds = Math.max(20, ROUNDS / 3);
        for (int round = 0; round < rounds; round++) {
            List<Object> r = race(i -> {
                if (i % 4 != 0) {
                    return hs.attach("mem2", ALICE);
                }
                try (var claim = hs.claim(i % 8 == 0 ? "region1" : "mem2", i % 8 == 0 ? "destroy-region" : "disable-memdev")) {
                    // the change would be made here: no handoff may begin meanwhile
                    for (int k = 0; k < 50; k++) {
                        if (!hs.active().isEmpty()) {
                            return "an attach slipped in while claimed: " + hs.active();
                        }
                        Thread.onSpinWait();
                    }
                    return "claimed";
                }
            });
            final int n = round;
            assertThat(r).as("round " + n + ": " + r).noneMatch(o -> o instanceof String s && s.startsWith("an attach"));
            assertThat(codes(r)).as("round " + n).isSubsetOf(ErrorCode.LOCKED, ErrorCode.BUSY);
            assertThat(r.stream().filter(o -> o instanceof Handoff).count()).as("round " + n).isLessThanOrEqualTo(1);
            for (Object o : r) {
                outcomes.merge(o instanceof Refusal f ? f.error().code().name() : o instanceof Handoff ? "attached"
                        : String.valueOf(o), 1, Integer::sum);
            }
            hs.active().forEach(h -> hs.detach("mem2", false));
        }
        System.out.printf("races of claims (destroy-region, disable-memdev) against attaches: %d rounds of %d threads:"
                + " %s%n", rounds, THREADS, outcomes);
        assertThat(outcomes).containsKeys("claimed", "attached");
    }

    interface Action {
        Object run(int thread);
    }

    /** {@code action} on every thread at the same instant; each result, or the Refusal it threw. */
    private List<Object> race(Action action) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<Object>> fs = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int t = i;
            fs.add(pool.submit(() -> {
                start.await();
                try {
                    return action.run(t);
                } catch (Refusal r) {
                    return r;
                }
            }));
        }
        List<Object> out = new ArrayList<>();
        for (Future<Object> f : fs) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    private static List<ErrorCode> codes(List<Object> results) {
        return results.stream().filter(o -> o instanceof Refusal).map(o -> ((Refusal) o).error().code()).toList();
    }
}
