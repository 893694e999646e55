package dev.cxld.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Event;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Diffs between captured states of one guest (ram3: empty, then two committed regions). */
class TopologyDiffTest {
    @TempDir Path tmp;

    int trees;

    Path install(String fixture) throws IOException {
        return SysfsFixtures.install(fixture, tmp.resolve("t" + trees++));
    }

    Topology scan(String fixture) throws IOException {
        return new CxlSysfs(install(fixture)).scan();
    }

    static List<String> summary(List<Event> events) {
        return events.stream().map(e -> e.event() + " " + e.kind() + " " + e.name()).toList();
    }

    @Test
    void committingRegionsAddsThemAndChangesTheirDecoders() throws IOException {
        List<Event> events = TopologyDiff.between(scan("ram3-empty"), scan("ram3-committed"));
        List<String> s = summary(events);
        assertThat(s).startsWith("added region region0", "added region region1");
        assertThat(s).as("first seen committed: announced as committed, after the additions")
                .containsSubsequence("added region region1", "region-committed region region0",
                        "region-committed region region1");
        Event committed = events.stream().filter(e -> e.event().equals("region-committed")).findFirst().orElseThrow();
        assertThat(committed.data().toString()).isEqualTo("{\"resource\":19595788288,\"size\":536870912}");
        assertThat(s).contains("changed port port1", "changed decoder decoder1.0", "changed endpoint endpoint4");
        Event endpoint = events.stream().filter(e -> e.name().equals("endpoint4")).findFirst().orElseThrow();
        assertThat(endpoint.data().get("changed").toString()).isEqualTo("[\"decoders_committed\"]");
        assertThat(s).noneMatch(x -> x.startsWith("removed"));
        assertThat(events).allMatch(e -> e.source().equals(Event.TOPOLOGY));
    }

    @Test
    void deletingRegionsRemovesThemAfterTheChanges() throws IOException {
        List<String> s = summary(TopologyDiff.between(scan("ram3-committed"), scan("ram3-empty")));
        assertThat(s).endsWith("removed region region1", "removed region region0");
    }

    @Test
    void committingOneRegionReportsItWithItsAddressRange() throws IOException {
        Path sys = install("ram3-pending");
        Topology pending = new CxlSysfs(sys).scan();
        // the same tree with the pending region's commit flipped, as the kernel does on commit
        String region = pending.regions().stream().filter(r -> !r.committed()).findFirst().orElseThrow().region();
        java.nio.file.Files.writeString(sys.resolve("bus/cxl/devices/" + region).toRealPath().resolve("commit"), "1\n");
        List<Event> events = TopologyDiff.between(pending, new CxlSysfs(sys).scan());
        assertThat(summary(events)).containsExactly("region-committed region " + region, "changed region " + region);
        Event committed = events.get(0);
        assertThat(committed.data().get("resource").asLong())
                .isEqualTo(pending.region(region).orElseThrow().resource());
        assertThat(events.get(1).data().get("changed").toString()).isEqualTo("[\"committed\"]");
    }

    @Test
    void theSameTopologyHasNoEvents() throws IOException {
        assertThat(TopologyDiff.between(scan("switch2-committed"), scan("switch2-committed"))).isEmpty();
    }
}
