package dev.cxld.daemon.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refresh rules on a captured tree with a uevent_seqnum file, uevents fed by hand as the
 * listener would: memdevs are re-read when a uevent names them, region and decoder configuration
 * for every request, everything when the listener falls behind the kernel.
 */
class SnapshotsTest {
    @TempDir Path tmp;
    Path sys;
    Path seqnum;
    final EventBus bus = new EventBus(Clock.systemUTC());
    Snapshots snapshots;

    @BeforeEach
    void setUp() throws IOException {
        sys = SysfsFixtures.installLive("ram3-pending", tmp, 100);
        seqnum = sys.resolve("kernel/uevent_seqnum");
        snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), bus, true);
    }

    void write(String device, String attribute, String value) throws IOException {
        Files.writeString(sys.resolve("bus/cxl/devices/" + device).toRealPath().resolve(attribute), value + "\n");
    }

    Uevent uevent(long seq, String action, String devpath) {
        Files.exists(seqnum);
        return new Uevent(action, devpath, "cxl", seq, Map.of());
    }

    @Test
    void aMemdevIsReadAgainWhenAUeventNamesIt() throws IOException {
        write("mem0", "firmware_version", "NEW FW");
        assertThat(snapshots.fresh().topology().memdev("mem0").orElseThrow().firmwareVersion())
                .as("no uevent: the cached memdev stands").isNotEqualTo("NEW FW");

        Files.writeString(seqnum, "101\n");
        snapshots.uevent(uevent(101, "change", "/devices/pci0000:0c/0000:0c:00.0/0000:0d:00.0/mem0"));
        assertThat(snapshots.fresh().topology().memdev("mem0").orElseThrow().firmwareVersion()).isEqualTo("NEW FW");
        assertThat(snapshots.stats().incremental()).isEqualTo(2);
        assertThat(snapshots.stats().fullScans()).isEqualTo(1);
    }

    @Test
    void regionConfigurationIsReadForEveryRequestWithoutAnyUevent() throws IOException {
        String pending = snapshots.current().topology().regions().stream()
                .filter(r -> !r.committed()).findFirst().orElseThrow().region();
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.TOPOLOGY))) {
            write(pending, "commit", "1"); // the kernel sends no uevent for commit
            assertThat(snapshots.fresh().topology().region(pending).orElseThrow().committed()).isTrue();
            assertThat(events.next(100).event()).isEqualTo("region-committed");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whenTheListenerIsBehindTheKernelEverythingIsRescanned() throws IOException {
        write("mem1", "firmware_version", "NEW FW");
        Files.writeString(seqnum, "105\n"); // five uevents the listener never delivers
        long started = System.nanoTime();
        assertThat(snapshots.fresh().topology().memdev("mem1").orElseThrow().firmwareVersion()).isEqualTo("NEW FW");
        assertThat((System.nanoTime() - started) / 1_000_000).as("waited for the listener first")
                .isGreaterThanOrEqualTo(Snapshots.CATCH_UP_MS - 5);
        assertThat(snapshots.stats().fullScans()).isEqualTo(2);
        assertThat(snapshots.stats().applied()).isEqualTo(105);
    }

    @Test
    void aUeventOfAnotherSubsystemOnlyMovesTheCounter() throws IOException {
        Files.writeString(seqnum, "102\n");
        snapshots.seen(101);
        snapshots.seen(102);
        snapshots.fresh();
        assertThat(snapshots.stats().fullScans()).isEqualTo(1);
        assertThat(snapshots.stats().applied()).isEqualTo(102);
    }

    @Test
    void lostUeventsForceAFullRescan() {
        snapshots.lost("overrun");
        snapshots.applyPending();
        assertThat(snapshots.stats().fullScans()).isEqualTo(2);
    }

    /** region0 removed with its uevent (and gone from the answer), then its link back in the tree with none yet. */
    void removeRegion0AndPutItsLinkBack() throws IOException {
        Path devices = sys.resolve("bus/cxl/devices");
        Path region = devices.resolve("region0");
        Path target = region.toRealPath();
        Files.delete(region);
        Files.writeString(seqnum, "101\n");
        snapshots.uevent(uevent(101, "remove", "/devices/platform/ACPI0017:00/root0/decoder0.0/region0"));
        assertThat(snapshots.fresh().topology().region("region0")).isEmpty();
        Files.createSymbolicLink(region, target);
    }

    @Test
    void aDeviceAddedByAUeventAppearsAndOneRemovedGoes() throws IOException {
        removeRegion0AndPutItsLinkBack();
        Files.writeString(seqnum, "102\n");
        snapshots.uevent(uevent(102, "add", "/devices/platform/ACPI0017:00/root0/decoder0.0/region0"));
        assertThat(snapshots.applyPending().topology().region("region0")).isPresent();
    }

    @Test
    void onlyAddRemoveAndMoveUeventsReadTheDeviceListAgain() throws IOException {
        // A device link appears with no uevent of its own yet (the kernel sends its add next):
        // a change uevent for mem0 reads mem0 again, not the device list; the add brings it in.
        removeRegion0AndPutItsLinkBack();
        write("mem0", "firmware_version", "NEW FW");
        Files.writeString(seqnum, "102\n");
        snapshots.uevent(uevent(102, "change", "/devices/pci0000:0c/0000:0c:00.0/0000:0d:00.0/mem0"));
        var afterChange = snapshots.fresh().topology();
        assertThat(afterChange.memdev("mem0").orElseThrow().firmwareVersion()).isEqualTo("NEW FW");
        assertThat(afterChange.region("region0")).as("a change uevent adds no device").isEmpty();
        Files.writeString(seqnum, "103\n");
        snapshots.uevent(uevent(103, "add", "/devices/platform/ACPI0017:00/root0/decoder0.0/region0"));
        assertThat(snapshots.fresh().topology().region("region0")).isPresent();
        assertThat(snapshots.stats().fullScans()).as("all of it incremental").isEqualTo(1);
    }
}
