package dev.cxld.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What RegionControl does at start with the creates and destroys an earlier cxld left in its
 * journal, decided and written on captured trees (ram3-pending has region2 created, sized and
 * targeted but not committed, as a create killed before its commit leaves it, or a destroy killed
 * after its decommit). The kernel's side of the same cases (cxld killed at moments spread over
 * create-region, attach-region --create and destroy-region) runs in a guest: CrashVmIT.
 */
class RegionRecoveryTest {
    @TempDir Path tmp;
    Path sys;
    Path state;
    RegionControl regions;
    RegionJournal journal;

    int trees;

    void tree(String fixture) throws Exception {
        Path dir = tmp.resolve("tree" + trees++);
        sys = SysfsFixtures.install(fixture, dir);
        state = dir.resolve("state");
        journal = new RegionJournal(state);
        Snapshots snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), new EventBus(Clock.systemUTC()));
        regions = new RegionControl(new SysfsAttributes(sys), snapshots, (name, op) -> () -> { }, journal);
    }

    /** What an earlier cxld left: {@code entries} in the journal, as it wrote them. */
    void leftUnderWay(RegionJournal.Entry... entries) throws Exception {
        RegionJournal earlier = new RegionJournal(state);
        for (RegionJournal.Entry e : entries) {
            earlier.begin(e);
        }
    }

    static RegionJournal.Entry entry(String region, String forHandoff, String... decoders) {
        return new RegionJournal.Entry(RegionJournal.Op.CREATE, region, "decoder0.0", "ram", List.of(decoders), forHandoff,
                "2026-12-03T06:00:00Z");
    }

    static RegionJournal.Entry destroying(String region, String... decoders) {
        return new RegionJournal.Entry(RegionJournal.Op.DESTROY, region, "decoder0.0", "ram", List.of(decoders), null,
                "2026-12-03T06:00:00Z");
    }

    /**
     * The first line of an attribute: what was written last (a captured tree's files are written
     * as sysfs attributes are, without truncation, so an older, longer value may follow).
     */
    String attr(String object, String attribute) throws Exception {
        return line(sys.resolve("bus/cxl/devices/" + object).toRealPath().resolve(attribute));
    }

    static String line(Path p) throws Exception {
        String s = Files.readString(p);
        return s.isEmpty() ? "" : s.substring(0, s.indexOf('\n') < 0 ? s.length() : s.indexOf('\n'));
    }

    @Test
    void aCreateKilledBeforeItsCommitIsRolledBackInTheKernelsOrder() throws Exception {
        tree("ram3-pending");
        leftUnderWay(entry("region2", null, "decoder2.1"));
        List<RegionControl.Recovery> r = regions.recover(region -> false);
        assertThat(r).containsExactly(new RegionControl.Recovery("region2", "create-region", "rolled back",
                "region2 was not committed yet: destroyed"));
        assertThat(attr("region2", "target0")).as("the target detached").isEqualTo("");
        assertThat(attr("decoder2.1", "dpa_size")).as("its DPA freed").isEqualTo("0");
        assertThat(attr("decoder0.0", "delete_region")).as("the region deleted").isEqualTo("region2");
        assertThat(state.resolve(RegionJournal.FILE)).as("the journal lets go of it").doesNotExist();
        assertThat(new RegionJournal(state).load()).isEmpty();
    }

    @Test
    void aCreateThatReachedItsCommitIsFinished() throws Exception {
        tree("ram3-committed");
        leftUnderWay(entry("region1", null, "decoder4.0"));
        assertThat(regions.recover(region -> false)).containsExactly(new RegionControl.Recovery("region1",
                "create-region", "finished", "region1 was committed and enabled"));
        assertThat(attr("region1", "commit")).isEqualTo("1");

        // killed between the commit and the bind: enabled now
        tree("ram3-committed");
        Files.delete(sys.resolve("bus/cxl/devices/region1").toRealPath().resolve("driver"));
        leftUnderWay(entry("region1", null, "decoder4.0"));
        assertThat(regions.recover(region -> false)).containsExactly(new RegionControl.Recovery("region1",
                "create-region", "finished", "region1 was committed but not enabled: enabled now"));
        assertThat(line(sys.resolve("bus/cxl/drivers/cxl_region/bind"))).isEqualTo("region1");
    }

    @Test
    void aRegionMadeForAnAttachIsKeptOnlyWhenTheHandoffWasSaved() throws Exception {
        tree("ram3-committed");
        leftUnderWay(entry("region1", "mem2", "decoder4.0"));
        assertThat(regions.recover(Set.of("region1")::contains)).containsExactly(new RegionControl.Recovery("region1",
                "attach-region --create of mem2", "finished", "the handoff of mem2 holds region1: it was saved before"
                        + " cxld stopped"));
        assertThat(attr("region1", "commit")).isEqualTo("1");

        tree("ram3-committed");
        leftUnderWay(entry("region1", "mem2", "decoder4.0"));
        assertThat(regions.recover(region -> false)).containsExactly(new RegionControl.Recovery("region1",
                "attach-region --create of mem2", "rolled back", "the attach was never acknowledged: region1 (committed)"
                        + " was destroyed"));
        assertThat(line(sys.resolve("bus/cxl/drivers/cxl_region/unbind"))).isEqualTo("region1");
        assertThat(attr("region1", "commit")).isEqualTo("0");
        assertThat(attr("decoder4.0", "dpa_size")).isEqualTo("0");
        assertThat(attr("decoder0.0", "delete_region")).isEqualTo("region1");
        assertThat(state.resolve(RegionJournal.FILE)).doesNotExist();
    }

    @Test
    void aRegionNeverMadeLeavesOnlyTheDpaItsDecodersWereGiven() throws Exception {
        tree("ram3-committed");
        // killed between decoder4.1's dpa_size and its target write; the region itself is gone
        Files.writeString(sys.resolve("bus/cxl/devices/decoder4.1").toRealPath().resolve("dpa_size"), "0x10000000\n");
        leftUnderWay(entry("region7", null, "decoder4.1"), entry("region8", null, "decoder3.1"));
        assertThat(regions.recover(region -> false)).containsExactly(
                new RegionControl.Recovery("region7", "create-region", "rolled back",
                        "region7 was never made, or is gone; the DPA given to decoder4.1 was freed"),
                new RegionControl.Recovery("region8", "create-region", "nothing to undo", "region8 was never made, or is gone"));
        assertThat(attr("decoder4.1", "dpa_size")).isEqualTo("0");
        assertThat(attr("decoder3.1", "dpa_size")).as("untouched, as captured").isEqualTo("0x0000000000000000");
    }

    @Test
    void aRegionByThatNameThatCxldWasNotMakingIsLeftAlone() throws Exception {
        tree("ram3-committed");
        leftUnderWay(entry("region1", null, "decoder4.1"), new RegionJournal.Entry(RegionJournal.Op.CREATE, "region0",
                "decoder0.1", "ram", List.of("decoder2.0", "decoder3.0"), null, "2026-12-03T06:00:00Z"));
        assertThat(regions.recover(region -> false)).containsExactly(
                new RegionControl.Recovery("region1", "create-region", "left alone", "region1 is not the region cxld"
                        + " was making (it has decoder4.0, which cxld did not choose)"),
                new RegionControl.Recovery("region0", "create-region", "left alone", "region0 is not the region cxld"
                        + " was making (it is under decoder0.0, not decoder0.1)"));
        assertThat(attr("region1", "commit")).isEqualTo("1");
        assertThat(attr("region0", "commit")).isEqualTo("1");
        assertThat(state.resolve(RegionJournal.FILE)).doesNotExist();
    }

    @Test
    void aRecoveryTheKernelRefusesIsKeptForTheNextStart() throws Exception {
        tree("ram3-pending");
        Files.delete(sys.resolve("bus/cxl/devices/decoder0.0").toRealPath().resolve("delete_region"));
        leftUnderWay(entry("region2", null, "decoder2.1"));
        List<RegionControl.Recovery> r = regions.recover(region -> false);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).outcome()).isEqualTo("failed");
        assertThat(r.get(0).detail()).contains("delete region2").contains("delete_region")
                .endsWith("kept, to be tried again at the next start (or destroy-region it)");
        assertThat(new RegionJournal(state).load()).containsExactly(entry("region2", null, "decoder2.1"));
    }

    @Test
    void anUnreadableJournalIsKeptAndRefusesCreatesBeforeAnythingIsWritten() throws Exception {
        tree("ram1-empty");
        Files.createDirectories(state);
        Files.writeString(state.resolve(RegionJournal.FILE), "{\"version\":1,\"creates\":[{\"reg");
        assertThat(regions.recover(region -> false)).isEmpty();
        assertThat(journal.problem()).contains("not a region journal cxld can read")
                .contains("region creates and destroys are refused until it is repaired or removed");
        Path create = sys.resolve("bus/cxl/devices/decoder0.0").toRealPath().resolve("create_ram_region");
        var before = Files.getLastModifiedTime(create);
        assertThatThrownBy(() -> regions.create(new RegionControl.CreateRequest(null, "ram", null, null, null,
                List.of("mem0"))))
                .satisfies(t -> assertThat(((Refusal) t).error().code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageStartingWith("create-region: cannot record the create of region0 in " + state.resolve(
                        RegionJournal.FILE))
                .hasMessageEndingWith("so a crash could not be undone: nothing was written");
        assertThat(Files.getLastModifiedTime(create)).isEqualTo(before);
        assertThat(Files.readString(state.resolve(RegionJournal.FILE))).as("kept as it was")
                .isEqualTo("{\"version\":1,\"creates\":[{\"reg");
    }

    @Test
    void aCreateThatFailsAndIsUndoneLeavesNoEntry() throws Exception {
        tree("ram1-empty"); // the captured tree makes no region when create_ram_region is written: the create fails
        assertThatThrownBy(() -> regions.create(new RegionControl.CreateRequest(null, "ram", null, null, null,
                List.of("mem0")))).hasMessageContaining("what was written before was undone");
        assertThat(journal.entries()).isEmpty();
        assertThat(state.resolve(RegionJournal.FILE)).doesNotExist();
    }

    @Test
    void aDestroyKilledMidwayIsFinished() throws Exception {
        tree("ram3-pending"); // region2: as a destroy killed after its decommit leaves it
        leftUnderWay(destroying("region2", "decoder2.1"));
        assertThat(regions.recover(region -> false)).containsExactly(new RegionControl.Recovery("region2",
                "destroy-region", "finished", "what was left of region2 (decommitted, 1 target(s)) was torn down and"
                        + " deleted"));
        assertThat(attr("region2", "target0")).isEqualTo("");
        assertThat(attr("decoder2.1", "dpa_size")).isEqualTo("0");
        assertThat(attr("decoder0.0", "delete_region")).isEqualTo("region2");

        // killed after its target was detached, before the DPA was freed: the decoder's DPA goes too
        tree("ram3-committed");
        Files.writeString(sys.resolve("bus/cxl/devices/decoder4.1").toRealPath().resolve("dpa_size"), "0x10000000\n");
        leftUnderWay(destroying("region7", "decoder4.1"));
        assertThat(regions.recover(region -> false)).containsExactly(new RegionControl.Recovery("region7",
                "destroy-region", "finished", "region7 was deleted already; the DPA given to decoder4.1 was freed"));
        assertThat(attr("decoder4.1", "dpa_size")).isEqualTo("0");

        tree("ram3-committed");
        leftUnderWay(destroying("region1", "decoder9.0"));
        assertThat(regions.recover(region -> false)).containsExactly(new RegionControl.Recovery("region1",
                "destroy-region", "left alone", "region1 is not the region cxld was destroying (it has decoder4.0, which"
                        + " it did not have)"));
        assertThat(attr("region1", "commit")).isEqualTo("1");
    }

    @Test
    void aDestroyIsJournaledWhileUnderWayAndForgottenOnceDone() throws Exception {
        tree("ram3-committed");
        regions.destroy("region1", true);
        assertThat(attr("decoder0.0", "delete_region")).isEqualTo("region1");
        assertThat(journal.entries()).isEmpty();
        assertThat(state.resolve(RegionJournal.FILE)).doesNotExist();
        // a journal that cannot be written refuses the destroy before anything is written
        tree("ram3-committed");
        Files.createDirectories(state);
        Files.writeString(state.resolve(RegionJournal.FILE), "garbage");
        regions.recover(region -> false);
        assertThatThrownBy(() -> regions.destroy("region1", true))
                .satisfies(t -> assertThat(((Refusal) t).error().code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageStartingWith("destroy-region: cannot record the destroy of region1 in ")
                .hasMessageEndingWith("nothing was written");
        assertThat(attr("region1", "commit")).isEqualTo("1");
    }
}
