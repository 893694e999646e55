package dev.cxld.daemon.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.sysfs.AttributeWatch;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Event;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.DecoderKind;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact cache: with an attribute watch (inotify on every port, decoder and region directory)
 * and uevents, a request reads only what was written or named by a uevent, and nothing when
 * nothing changed; every answer still holds every write made before it (checked against a full
 * scan). The kernel's side effects of a write (a commit programming the whole path) are the
 * guest's to show: RegionVmIT, LiveVmIT and ExactVmIT.
 */
class ExactSnapshotsTest {
    @TempDir Path tmp;
    Path sys;
    final EventBus bus = new EventBus(Clock.systemUTC());
    AttributeWatch watch;
    Snapshots snapshots;

    @BeforeEach
    void setUp() throws Exception {
        sys = SysfsFixtures.installLive("ram3-pending", tmp, 100);
        watch = AttributeWatch.open();
        snapshots = new Snapshots(new CxlSysfs(sys, watch), Clock.systemUTC(), bus, true, watch);
    }

    @AfterEach
    void close() {
        watch.close();
    }

    void write(String device, String attribute, String value) throws IOException {
        Files.writeString(sys.resolve("bus/cxl/devices/" + device).toRealPath().resolve(attribute), value + "\n");
    }

    @Test
    void everyPortDecoderAndRegionIsWatched() {
        Topology t = snapshots.current().topology();
        assertThat(watch.size()).isEqualTo(t.ports().size() + t.decoders().size() + t.regions().size());
        assertThat(snapshots.stats().writesWatched()).isEqualTo(watch.size());
    }

    @Test
    void whenNothingWasWrittenARequestReadsNothing() {
        Snapshots.Taken first = snapshots.fresh();
        Snapshots.Taken second = snapshots.fresh();
        assertThat(second).isSameAs(first);
        assertThat(snapshots.stats().unchanged()).isEqualTo(2);
        assertThat(snapshots.stats().incremental()).isZero();
    }

    @Test
    void aWrittenDecoderIsReadAgainAndNothingElse() throws IOException {
        Topology before = snapshots.fresh().topology();
        Decoder ep = before.decoders().stream().filter(d -> d.kind() == DecoderKind.ENDPOINT && d.region() == null)
                .findFirst().orElseThrow();
        write(ep.decoder(), "dpa_size", "0x10000000");
        Topology after = snapshots.fresh().topology();
        assertThat(after.decoder(ep.decoder()).orElseThrow().dpaSize()).isEqualTo(0x10000000L);
        for (Region r : before.regions()) {
            assertThat(after.region(r.region()).orElseThrow()).as("not read again").isSameAs(r);
        }
        assertThat(after.ports().get(0)).isSameAs(before.ports().get(0));
        assertThat(after.decoders().stream().filter(d -> !d.decoder().equals(ep.decoder())))
                .allSatisfy(d -> assertThat(before.decoders()).anySatisfy(b -> assertThat(b).isSameAs(d)));
    }

    @Test
    void aWrittenRegionReadsTheWholeConfigurationAgainAndIsAnnounced() throws Exception {
        String pending = snapshots.current().topology().regions().stream()
                .filter(r -> !r.committed()).findFirst().orElseThrow().region();
        Topology before = snapshots.fresh().topology();
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.TOPOLOGY))) {
            write(pending, "commit", "1"); // no uevent: the write alone says it
            Topology after = snapshots.fresh().topology();
            assertThat(after.region(pending).orElseThrow().committed()).isTrue();
            Region r = after.region(pending).orElseThrow();
            String endpoint = after.decoder(r.mappings().get(0).decoder()).orElseThrow().port();
            java.util.Set<String> path = new java.util.HashSet<>();
            for (String p = endpoint; p != null; p = after.port(p).orElseThrow().parent()) {
                path.add(p);
            }
            Topology scanned = new CxlSysfs(sys).scan();
            for (dev.cxld.protocol.model.Port p : after.ports()) {
                dev.cxld.protocol.model.Port was = before.port(p.port()).orElseThrow();
                if (path.contains(p.port())) {
                    // a commit moves decoders_committed along the whole path (ExactVmIT sees a kernel do it)
                    assertThat(p).as("%s on the path as sysfs has it now", p.port())
                            .isEqualTo(scanned.port(p.port()).orElseThrow());
                } else {
                    assertThat(p).as("off the path: %s reused", p.port()).isSameAs(was);
                }
            }
            for (Decoder d : after.decoders()) {
                if (path.contains(d.port())) {
                    assertThat(d).as("%s on the path read again", d.decoder())
                            .isNotSameAs(before.decoder(d.decoder()).orElseThrow());
                }
            }
            assertThat(events.next(100).event()).isEqualTo("region-committed");
        }
    }

    @Test
    void monitorsHearOfAWriteWithoutAnyRequest() throws Exception {
        String pending = snapshots.current().topology().regions().stream()
                .filter(r -> !r.committed()).findFirst().orElseThrow().region();
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.TOPOLOGY))) {
            write(pending, "commit", "1");
            snapshots.applyPending(); // what the daemon's 50 ms timer calls
            assertThat(events.next(100).event()).isEqualTo("region-committed");
        }
    }

    @Test
    void everyAnswerHoldsEveryWriteMadeBeforeIt() throws IOException {
        Topology t = snapshots.current().topology();
        List<String> regions = t.regions().stream().map(Region::region).toList();
        List<String> endpointDecoders = t.decoders().stream().filter(d -> d.kind() == DecoderKind.ENDPOINT)
                .map(Decoder::decoder).toList();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            switch (random.nextInt(4)) {
                case 0 -> write(regions.get(random.nextInt(regions.size())), "commit", random.nextBoolean() ? "1" : "0");
                case 1 -> write(regions.get(random.nextInt(regions.size())), "size",
                        "0x" + Long.toHexString((1L + random.nextInt(4)) << 28));
                case 2 -> write(endpointDecoders.get(random.nextInt(endpointDecoders.size())), "dpa_size",
                        "0x" + Long.toHexString((long) random.nextInt(3) << 28));
                default -> write(endpointDecoders.get(random.nextInt(endpointDecoders.size())), "mode",
                        random.nextBoolean() ? "ram" : "pmem");
            }
            Topology answer = random.nextInt(3) == 0 ? snapshots.applyPending().topology() : snapshots.fresh().topology();
            assertThat(answer).as("answer %d equals a full scan made after it", i).isEqualTo(new CxlSysfs(sys).scan());
        }
        assertThat(snapshots.stats().fullScans()).as("no rescan was needed").isEqualTo(1);
    }

    @Test
    void withoutAWatchConfigurationIsReadForEveryRequest() {
        Snapshots plain = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), bus, true);
        plain.fresh();
        plain.fresh();
        assertThat(plain.stats().unchanged()).isZero();
        assertThat(plain.stats().writesWatched()).isEqualTo(-1);
    }
}
