package dev.cxld.daemon.handoff;

import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.daemon.sysfs.MemorySysfs;
import dev.cxld.daemon.control.PrivateMemoryControl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.control.MemdevControl;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.Prerequisites;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handoffs on a captured ram3 tree (region0: mem0+mem1 interleaved; region1: mem2 alone). */
class HandoffsTest {
    static final Handoff.Holder ALICE = new Handoff.Holder(1000, "alice", 4242L, "runtime", "accel-0");
    static final Handoff.Holder BOB = new Handoff.Holder(1001, "bob", 4343L, "other", null);

    @TempDir Path tmp;
    Path sys;
    Path state;
    final EventBus bus = new EventBus(Clock.systemUTC());
    Snapshots snapshots;
    /** The processes that exist, pid to start time, for process leases. */
    final java.util.Map<Long, Long> running = new java.util.concurrent.ConcurrentHashMap<>();
    final Processes processes = pid -> running.containsKey(pid)
            ? java.util.OptionalLong.of(running.get(pid)) : java.util.OptionalLong.empty();

    /** The regions destroyed, in order; a region named in {@link #refuseTeardown} is refused. */
    final List<String> destroyed = java.util.Collections.synchronizedList(new ArrayList<>());
    final Set<String> refuseTeardown = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final RegionTeardown teardown = (region, resource, size) -> {
        if (refuseTeardown.contains(region)) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, "delete " + region + ": Device or resource busy (EBUSY)");
        }
        boolean there = Files.exists(sys.resolve("bus/cxl/devices/" + region));
        if (there) {
            destroyed.add(region);
        }
        return there;
    };

    @BeforeEach
    void setUp() throws Exception {
        sys = SysfsFixtures.install("ram3-committed", tmp);
        // region1's memory private already, as attach leaves it (its dax device on device_dax):
        // making it private is PrivateMemoryControl's, proven against the kernel in a guest
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        state = tmp.resolve("state");
        snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), bus);
    }

    Handoffs handoffs() throws Exception {
        return new Handoffs(new HandoffStore(state), snapshots,
                new PrivateMemoryControl(new SysfsAttributes(sys), new MemorySysfs(sys), sys.resolve("dev")), bus,
                Clock.systemUTC(), processes, teardown, new HandoffFiles(tmp.resolve("run/handoffs")));
    }

    static ErrorCode code(Throwable t) {
        return ((Refusal) t).error().code();
    }

    @Test
    void theSingleTargetRegionIsHandedOffWithWhatSysfsShows() throws Exception {
        Handoff h = handoffs().attach("mem2", ALICE);
        assertThat(h.region()).isEqualTo("region1");
        assertThat(h.decoder()).isEqualTo("decoder4.0");
        assertThat(h.resource()).isEqualTo(20132659200L);
        assertThat(h.size()).isEqualTo(268435456L);
        assertThat(h.hpaRange()).isEqualTo(new Handoff.Range(20132659200L, 20132659200L + 268435456L - 1));
        assertThat(h.interleaveWays()).isEqualTo(1);
        assertThat(h.mode()).isEqualTo("ram");
        assertThat(h.dax()).isEqualTo("dax1.0");
        assertThat(h.locked()).isTrue();
        assertThat(h.holder()).isEqualTo(ALICE);
        assertThat(Files.readString(state.resolve("handoffs.json"))).contains("\"region\" : \"region1\"");
    }

    @Test
    void refusalsNameTheRegionTheRuleAndTheHolder() throws Exception {
        Handoffs hs = handoffs();
        assertThatThrownBy(() -> hs.attach("mem0", ALICE)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_ATTACHABLE))
                .hasMessageContaining("region0").hasMessageContaining("interleaved across 2 targets");
        assertThatThrownBy(() -> hs.attach("mem9", ALICE)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
        hs.attach("mem2", ALICE);
        assertThatThrownBy(() -> hs.attach("mem2", BOB)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED))
                .hasMessageContaining("region1 (the first region of mem2, through decoder4.0) is already handed off to"
                        + " alice (uid 1000, pid 4242 runtime) as \"accel-0\" since ");
    }

    @Test
    void handoffsArePublishedAsFilesForExactlyAsLongAsTheyLast() throws Exception {
        Path run = tmp.resolve("run/handoffs");
        Files.createDirectories(run);
        Files.writeString(run.resolve("mem7.json"), "{}"); // a handoff that ended while no cxld ran
        Files.writeString(run.resolve("notes.txt"), "not cxld's");
        Handoffs hs = handoffs();
        assertThat(run.resolve("mem7.json")).as("removed at start").doesNotExist();
        Handoff h = hs.attach("mem2", ALICE);
        Path file = run.resolve("mem2.json");
        assertThat(dev.cxld.protocol.Json.mapper().readTree(file.toFile()).toString())
                .isEqualTo(dev.cxld.protocol.Json.mapper().valueToTree(h).toString());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
        assertThat(Files.readString(file)).endsWith("}\n");
        hs.detach("mem2", false);
        assertThat(file).doesNotExist();
        try (java.util.stream.Stream<Path> left = Files.list(run)) {
            assertThat(left).containsExactly(run.resolve("notes.txt"));
        }
    }

    @Test
    void detachReleasesExactlyOnce() throws Exception {
        Handoffs hs = handoffs();
        hs.attach("mem2", ALICE);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            assertThat(hs.detach("region1", false).handoff().memdev()).isEqualTo("mem2");
            assertThatThrownBy(() -> hs.detach("mem2", false)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND))
                    .hasMessage("no handoff of mem2 to release (none is active)");
            assertThat(events.next(100).event()).isEqualTo("handoff-released");
            assertThat(events.next(50)).as("one release, one event").isNull();
        }
        assertThat(hs.active()).isEmpty();
        assertThat(handoffs().active()).as("on disk too").isEmpty();
        // and it can be taken again
        assertThat(hs.attach("mem2", BOB).holder()).isEqualTo(BOB);
    }

    @Test
    void ofConcurrentAttachesExactlyOneWins() throws Exception {
        Handoffs hs = handoffs();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Handoff.Holder who = new Handoff.Holder(1000 + i, "user" + i, null, null, null);
            results.add(pool.submit(() -> {
                go.await();
                try {
                    return "won " + hs.attach("mem2", who).holder().user();
                } catch (Refusal r) {
                    return r.error().code().name();
                }
            }));
        }
        go.countDown();
        List<String> outcomes = new ArrayList<>();
        for (Future<String> f : results) {
            outcomes.add(f.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(outcomes.stream().filter(o -> o.startsWith("won"))).hasSize(1);
        assertThat(outcomes.stream().filter(o -> o.equals("LOCKED"))).hasSize(7);
        assertThat(hs.active()).hasSize(1);
    }

    @Test
    void aRegionDeletedBehindCxldsBackIsRevokedAndAnnounced() throws Exception {
        Handoffs hs = handoffs();
        hs.attach("mem2", ALICE);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Files.delete(sys.resolve("bus/cxl/devices/region1")); // the kernel deleted it
            snapshots.fresh();
            Event e = events.next(5000);
            assertThat(e.event()).isEqualTo("handoff-revoked");
            assertThat(e.name()).isEqualTo("region1");
            assertThat(e.data().get("reason").asText()).isEqualTo("region region1 was deleted");
            assertThat(e.data().get("holder").get("owner").asText()).isEqualTo("accel-0");
        }
        assertThat(hs.active()).isEmpty();
        assertThat(hs.revoked()).hasSize(1);
        assertThat(hs.status().get("revoked").get(0).get("reason").asText()).isEqualTo("region region1 was deleted");
        assertThatThrownBy(() -> hs.detach("mem2", false)).hasMessageContaining("it was revoked at ")
                .hasMessageContaining("region region1 was deleted");
    }

    @Test
    void resetOrMovedRegionsAndUnboundMemdevsAreRevoked() throws Exception {
        Handoff h = handoffs().attach("mem2", ALICE);
        dev.cxld.protocol.model.Topology t = snapshots.fresh().topology();
        assertThat(Handoffs.whyGone(h, t)).isNull();
        Path region1 = sys.resolve("bus/cxl/devices/region1").toRealPath();
        Files.writeString(region1.resolve("commit"), "0\n");
        assertThat(Handoffs.whyGone(h, new CxlSysfs(sys).scan())).isEqualTo("region region1 was reset (decommitted)");
        Files.writeString(region1.resolve("commit"), "1\n");
        Files.writeString(region1.resolve("size"), "0x20000000\n");
        assertThat(Handoffs.whyGone(h, new CxlSysfs(sys).scan())).startsWith("region region1's address range changed");
        Files.writeString(region1.resolve("size"), "0x10000000\n");
        Files.delete(sys.resolve("bus/cxl/devices/mem2").toRealPath().resolve("driver"));
        assertThat(Handoffs.whyGone(h, new CxlSysfs(sys).scan())).startsWith("memdev mem2 was disabled");
    }

    @Test
    void anOlderSnapshotDoesNotUndoANewerDecision() throws Exception {
        Path region1 = sys.resolve("bus/cxl/devices/region1").toRealPath();
        Files.writeString(region1.resolve("commit"), "0\n");
        Handoffs hs = handoffs();
        Snapshots.Taken before = snapshots.fresh(); // region1 not committed yet
        Files.writeString(region1.resolve("commit"), "1\n");
        hs.attach("mem2", ALICE); // decided on a newer snapshot
        hs.check(before); // the watcher thread, late
        assertThat(hs.active()).hasSize(1);
        assertThat(hs.revoked()).isEmpty();
    }

    @Test
    void handoffsSurviveARestartAndAreReconciledWithWhatIsFound() throws Exception {
        handoffs().attach("mem2", ALICE);
        Handoffs again = handoffs(); // a new daemon on the same state directory
        assertThat(again.active()).hasSize(1);
        assertThat(again.active().get(0).holder()).isEqualTo(ALICE);
        assertThatThrownBy(() -> again.attach("mem2", BOB)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED));
        // the region went away while no daemon ran: revoked at start
        Files.delete(sys.resolve("bus/cxl/devices/region1"));
        Handoffs third = handoffs();
        assertThat(third.active()).isEmpty();
        assertThat(third.revoked()).extracting(Revoked::reason).containsExactly("region region1 was deleted");
    }

    @Test
    void aHeldMemdevCannotBeDisabledEvenByForce() throws Exception {
        Handoffs hs = handoffs();
        hs.attach("mem2", ALICE);
        MemdevControl control = new MemdevControl(new SysfsAttributes(sys), snapshots, hs::claim);
        assertThatThrownBy(() -> control.disable("mem2", true)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED))
                .hasMessageStartingWith("disable-memdev mem2 would invalidate the handoff of region1 (memdev mem2) to alice");
    }

    @Test
    void aDamagedStateFileIsKeptAndNoHandoffChangesUntilItIsRepaired() throws Exception {
        Files.createDirectories(state);
        String torn = "{\"version\":1,\"handoffs\":[{\"memdev\":";
        for (String content : List.of(torn, "", "null", "[]", "{\"version\":1,\"handoffs\":7}")) {
            Files.writeString(state.resolve("handoffs.json"), content);
            Handoffs hs = handoffs(); // cxld starts and serves
            assertThat(hs.status().get("state_problems").get(0).asText()).as(content)
                    .startsWith(state.resolve("handoffs.json") + ": not a handoff state file cxld can read")
                    .contains("changes no handoff");
            // nothing in the file is known, so nothing a handoff could guard is changed, and the file stays
            assertThatThrownBy(() -> hs.attach("mem2", ALICE)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageStartingWith("attach-region mem2 refused: " + state.resolve("handoffs.json"));
            assertThatThrownBy(() -> hs.detach("mem2", false)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.UNAVAILABLE));
            assertThatThrownBy(() -> hs.refuseIfHeld("region1", "destroy-region"))
                    .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.UNAVAILABLE));
            assertThat(Files.readString(state.resolve("handoffs.json"))).isEqualTo(content);
        }
        // repaired (moved away): a new start has no problem
        Files.delete(state.resolve("handoffs.json"));
        assertThat(handoffs().status().has("state_problems")).isFalse();
    }

    @Test
    void theStateIsMadePrivateAndRefusedWhenOthersCouldWriteIt() throws Exception {
        Handoffs hs = handoffs();
        hs.attach("mem2", ALICE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("handoffs.json"))))
                .isEqualTo("rw-------");
        Files.setPosixFilePermissions(state.resolve("handoffs.json"), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(this::handoffs).hasMessage("state file " + state.resolve("handoffs.json")
                + " is writable by its group and others (mode rw-rw-rw-): another user could plant or change handoffs;"
                + " chmod go-w it");
        Files.setPosixFilePermissions(state.resolve("handoffs.json"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(this::handoffs).hasMessageStartingWith("state directory " + state + " is writable by its group");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        assertThat(handoffs().active()).hasSize(1);
        // not followed through a symbolic link, of the directory or of the file
        Path real = tmp.resolve("real-state");
        Files.move(state, real);
        Files.createSymbolicLink(state, real);
        assertThatThrownBy(this::handoffs).hasMessageStartingWith("state directory " + state + " is a symbolic link");
        Files.delete(state);
        Files.createDirectories(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(state.resolve("handoffs.json"), real.resolve("handoffs.json"));
        assertThatThrownBy(this::handoffs).hasMessageStartingWith("state file " + state.resolve("handoffs.json")
                + " is a symbolic link");
    }

    @Test
    void aStateDirectoryOfAnotherUserIsRefused() throws Exception {
        dev.cxld.daemon.testing.Prerequisites.require("root".equals(System.getProperty("user.name")),
                "needs root to give the directory to another user");
        Files.createDirectories(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(state, "unix:uid", 65534);
        assertThatThrownBy(this::handoffs).hasMessageStartingWith("state directory " + state
                + " belongs to uid 65534, not to cxld's uid 0: another user could plant or change handoffs");
    }

    @Test
    void aFailedSaveIsDegradedInStatusUntilASaveSucceeds() throws Exception {
        Handoffs hs = handoffs();
        Files.createDirectories(state.resolve("handoffs.json.tmp").resolve("x")); // the next save cannot write
        assertThatThrownBy(() -> hs.attach("mem2", ALICE)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("nothing was handed off");
        assertThat(hs.active()).isEmpty();
        assertThat(hs.status().get("state_problems").get(0).asText()).startsWith("the last save of "
                + state.resolve("handoffs.json") + " failed (");
        Files.delete(state.resolve("handoffs.json.tmp").resolve("x"));
        hs.attach("mem2", ALICE);
        assertThat(hs.status().has("state_problems")).isFalse();
        assertThat(handoffs().active()).hasSize(1);
    }

    @Test
    void aConnectionLeaseEndsExactlyOnceWhicheverEndComesFirst() throws Exception {
        Handoffs hs = handoffs();
        Object connection = new Object();
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Handoff h = hs.attach("mem2", ALICE, Lease.connection(4242L), connection);
            assertThat(h.lease()).isEqualTo(Lease.connection(4242L));
            assertThat(events.next(100).event()).isEqualTo("handoff-attached");
            assertThat(hs.endLease(h, "the connection that held it closed")).isPresent();
            assertThat(hs.endLease(h, "the connection that held it closed")).as("a second end finds nothing").isEmpty();
            Event released = events.next(100);
            assertThat(released.event()).isEqualTo("handoff-released");
            assertThat(released.data().get("reason").asText())
                    .isEqualTo("its lease ended: the connection that held it closed");
            assertThat(events.next(50)).as("one release, one event").isNull();
        }
        assertThat(hs.active()).isEmpty();
        assertThat(handoffs().active()).as("on disk too").isEmpty();

        // revoked first: the connection's close then releases nothing
        Handoff again = hs.attach("mem2", ALICE, Lease.connection(4242L), connection);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Files.delete(sys.resolve("bus/cxl/devices/region1"));
            snapshots.fresh(); // the watcher thread revokes it; wait for its announcement
            assertThat(events.next(5000).event()).isEqualTo("handoff-revoked");
        }
        assertThat(hs.revoked()).hasSize(1);
        assertThat(hs.endLease(again, "the connection that held it closed")).isEmpty();
    }

    @Test
    void aGrantMakesTheHolderOwnerOfTheDeviceUntilTheHandoffEnds() throws Exception {
        Prerequisites.require(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0,
                "needs root (chown)");
        Path node = Files.createDirectories(sys.resolve("dev")).resolve("dax1.0");
        Files.writeString(node, "");
        Files.setPosixFilePermissions(node, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Handoffs hs = handoffs();
        Handoff h = hs.attach("mem2", ALICE, null, null, 1000L, null, null);
        assertThat(h.privateMemory().grant()).isEqualTo(new PrivateMemoryState.Grant(1000, 0, 0, 0600));
        assertThat(((Number) Files.getAttribute(node, "unix:uid")).intValue()).isEqualTo(1000);
        assertThat(handoffs().active().get(0).privateMemory().grant()).as("kept in the state file").isNotNull();
        hs.detach("mem2", true);
        assertThat(((Number) Files.getAttribute(node, "unix:uid")).intValue()).as("given back on release").isZero();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(node)))
                .isEqualTo("rw-------");

        // revoked while the node outlives the change: given back too
        hs.attach("mem2", ALICE, null, null, 1000L, null, null);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Files.writeString(sys.resolve("bus/cxl/devices/region1").toRealPath().resolve("commit"), "0\n");
            snapshots.fresh();
            assertThat(events.next(5000).event()).isEqualTo("handoff-revoked");
        }
        assertThat(((Number) Files.getAttribute(node, "unix:uid")).intValue()).isZero();
    }

    @Test
    void aGrantNeedsACharacterDeviceAndUndoesTheAttachWithout() throws Exception {
        Handoffs hs = handoffs();
        assertThatThrownBy(() -> hs.attach("mem2", ALICE, null, null, 1000L, null, null))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.KERNEL_ERROR))
                .hasMessageStartingWith("cannot give uid 1000 access to " + sys.resolve("dev/dax1.0") + ": ");
        assertThat(hs.active()).as("nothing handed off").isEmpty();
        assertThat(hs.attach("mem2", ALICE).region()).as("and nothing left locked").isEqualTo("region1");
    }

    @Test
    void aRegionCxldCreatedIsDestroyedExactlyOnceHoweverTheEndsOfItsHandoffRace() throws Exception {
        Path mem2 = sys.resolve("bus/cxl/devices/mem2").toRealPath();
        Path driver = Files.readSymbolicLink(mem2.resolve("driver"));
        Handoffs hs = handoffs();
        for (int round = 0; round < 20; round++) {
            destroyed.clear();
            Object connection = new Object();
            Handoff h = hs.attach("mem2", ALICE, Lease.connection(4242L), connection, null, "region1", null);
            assertThat(h.created()).isTrue();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(5);
            List<Future<?>> racers = List.of(
                    pool.submit(() -> { go.await(); return hs.detach("mem2", false, true, new Object(), 1); }),
                    pool.submit(() -> { go.await(); return hs.detach("mem2", false, true, new Object(), 1); }),
                    pool.submit(() -> { go.await(); return hs.endLease(h, "the connection that held it closed"); }),
                    pool.submit(() -> { go.await(); return hs.endLease(h, "the connection that held it closed"); }),
                    pool.submit(() -> { // the kernel unbinds the memdev: revoked
                        go.await();
                        Files.delete(mem2.resolve("driver"));
                        return snapshots.fresh();
                    }));
            go.countDown();
            for (Future<?> f : racers) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(code(e.getCause())).as("a detach that lost the race finds nothing").isEqualTo(ErrorCode.NOT_FOUND);
                }
            }
            pool.shutdown();
            hs.checkLeases();
            Thread.sleep(50); // the watcher thread's revocation, if it came last, finds nothing
            assertThat(destroyed).as("round " + round).containsExactly("region1");
            assertThat(hs.active()).isEmpty();
            assertThat(hs.status().has("teardowns")).as("none left pending").isFalse();
            Files.createSymbolicLink(mem2.resolve("driver"), driver);
            snapshots.fresh();
        }
    }

    @Test
    void aRegionCxldDidNotCreateIsNeverDestroyed() throws Exception {
        Handoffs hs = handoffs();
        Handoff h = hs.attach("mem2", ALICE, null, null, null, "region9", null);
        assertThat(h.created()).as("region9 is not the region attached").isFalse();
        assertThat(hs.detach("mem2", false).memory()).isNotEqualTo("destroyed with region1, which cxld created for this handoff");
        hs.attach("mem2", ALICE);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Files.writeString(sys.resolve("bus/cxl/devices/region1").toRealPath().resolve("commit"), "0\n");
            snapshots.fresh();
            assertThat(events.next(5000).event()).isEqualTo("handoff-revoked");
        }
        hs.checkLeases();
        assertThat(destroyed).isEmpty();
    }

    @Test
    void aCreatedRegionTheKernelDeletedIsNotDestroyedAgain() throws Exception {
        Handoffs hs = handoffs();
        hs.attach("mem2", ALICE, null, null, null, "region1", null);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Files.delete(sys.resolve("bus/cxl/devices/region1"));
            snapshots.fresh();
            assertThat(events.next(5000).event()).isEqualTo("handoff-revoked");
        }
        hs.checkLeases();
        assertThat(destroyed).isEmpty();
        assertThat(hs.status().has("teardowns")).isFalse();
    }

    @Test
    void aTeardownLeftUnfinishedIsFinishedByTheNextCxldOnce() throws Exception {
        Handoffs hs = handoffs();
        hs.attach("mem2", ALICE, null, null, null, "region1", null);
        refuseTeardown.add("region1");
        Handoffs.Released r = hs.detach("mem2", false);
        assertThat(r.memory()).isEqualTo("not destroyed yet: region1, which cxld created for this handoff (retried)");
        assertThat(r.restoreErrors()).containsExactly("cannot destroy region1, which cxld created for the handoff of"
                + " mem2: delete region1: Device or resource busy (EBUSY)");
        assertThat(hs.status().get("teardowns").get(0).get("region").asText()).isEqualTo("region1");
        assertThat(hs.checkLeases()).isEmpty(); // retried, refused again, quietly
        assertThat(destroyed).isEmpty();

        refuseTeardown.clear();
        handoffs(); // cxld killed, and started again: it finishes the teardown at start
        assertThat(destroyed).containsExactly("region1");
        handoffs(); // and the next one finds nothing left to do
        assertThat(destroyed).as("destroyed once, across the restarts").containsExactly("region1");
    }

    @Test
    void onlyTheHolderDetachesALeaseWithoutForce() throws Exception {
        Handoffs hs = handoffs();
        Object mine = new Object();
        hs.attach("mem2", ALICE, Lease.connection(4242L), mine);
        assertThatThrownBy(() -> hs.detach("mem2", false, false, new Object(), 4343))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED))
                .hasMessage("region1 (memdev mem2) is leased to alice (uid 1000, pid 4242 runtime) as \"accel-0\" for as"
                        + " long as its connection (pid 4242) lasts; its holder ends it by closing that connection or"
                        + " exiting, or detach-region --force takes it away");
        assertThat(hs.active()).hasSize(1);
        assertThat(hs.detach("mem2", false, false, mine, 4242).handoff().region()).isEqualTo("region1");

        Handoff forced = hs.attach("mem2", ALICE, Lease.connection(4242L), mine);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            hs.detach("mem2", false, true, new Object(), 4343);
            assertThat(events.next(100).data().get("reason").asText())
                    .isEqualTo("detached by force, from another connection than its holder's");
        }
        assertThat(hs.endLease(forced, "closed")).isEmpty();
    }

    @Test
    void aProcessLeaseEndsWhenItsProcessExitsNotWhenItsPidIsReused() throws Exception {
        running.put(777L, 1000L);
        Handoffs hs = handoffs();
        assertThatThrownBy(() -> hs.processLease(778)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessage("no process 778 to lease the handoff to (it has exited, or never was)");
        Lease lease = hs.processLease(777);
        assertThat(lease).isEqualTo(Lease.process(777, 1000));
        hs.attach("mem2", ALICE, lease, null);
        assertThat(hs.checkLeases()).isEmpty();
        // its holder may detach it; someone else needs force
        assertThatThrownBy(() -> hs.detach("mem2", false, false, new Object(), 1))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED));
        running.put(777L, 5000L); // 777 exited and the pid was reused
        List<Handoffs.Released> ended = hs.checkLeases();
        assertThat(ended).extracting(r -> r.handoff().region()).containsExactly("region1");
        assertThat(hs.checkLeases()).as("exactly once").isEmpty();
        assertThat(hs.active()).isEmpty();
    }

    @Test
    void aRestartedCxldReleasesConnectionLeasesAndLeasesOfExitedProcesses() throws Exception {
        running.put(777L, 1000L);
        Handoffs first = handoffs();
        first.attach("mem2", ALICE, Lease.connection(4242L), new Object());
        assertThat(handoffs().active()).as("the cxld that held the connection is gone: released at start").isEmpty();

        Handoffs second = handoffs();
        second.attach("mem2", ALICE, second.processLease(777), null);
        assertThat(handoffs().active()).as("its process lives: kept").hasSize(1);
        running.remove(777L);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            assertThat(handoffs().active()).as("its process exited while no cxld ran").isEmpty();
            assertThat(events.next(100).data().get("reason").asText()).isEqualTo("its lease ended: process 777 exited");
        }
    }

    @Test
    void aLeaseWhoseReleaseCannotBeRecordedIsReleasedLaterExactlyOnce() throws Exception {
        Handoffs hs = handoffs();
        Handoff h = hs.attach("mem2", ALICE, Lease.connection(4242L), new Object());
        // the state file cannot be replaced for now (a directory, not empty, where it goes)
        Path file = state.resolve("handoffs.json");
        Files.delete(file);
        Files.createDirectories(file.resolve("in-the-way"));
        assertThat(hs.endLease(h, "the connection that held it closed")).isEmpty();
        assertThat(hs.active()).as("not recorded, so not released").hasSize(1);
        assertThat(hs.checkLeases()).as("still cannot record it").isEmpty();
        Files.delete(file.resolve("in-the-way"));
        Files.delete(file);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            assertThat(hs.checkLeases()).extracting(r -> r.handoff().region()).containsExactly("region1");
            assertThat(hs.checkLeases()).isEmpty();
            assertThat(events.next(100).data().get("reason").asText())
                    .isEqualTo("its lease ended: the connection that held it closed");
            assertThat(events.next(50)).as("one release, one event").isNull();
        }
        assertThat(hs.endLease(h, "again")).isEmpty();
        assertThat(handoffs().active()).as("on disk too").isEmpty();
    }
}
