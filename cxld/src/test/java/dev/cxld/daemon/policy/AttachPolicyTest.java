package dev.cxld.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attach policy over trees captured from guests (ram3: region0 interleaves mem0 and mem1,
 * region1 is mem2's alone) and over those trees changed the way the kernel would change them.
 */
class AttachPolicyTest {
    @TempDir Path tmp;
    int trees;

    Path install(String fixture) throws IOException {
        return SysfsFixtures.install(fixture, tmp.resolve("t" + trees++));
    }

    Topology scan(String fixture) throws IOException {
        return new CxlSysfs(install(fixture)).scan();
    }

    static AttachPolicy.Refused refused(AttachPolicy.Decision d) {
        assertThat(d).isInstanceOf(AttachPolicy.Refused.class);
        return (AttachPolicy.Refused) d;
    }

    @Test
    void aCommittedSingleTargetRegionIsHandedOffWithItsExactRange() throws IOException {
        AttachPolicy.Decision d = AttachPolicy.decide(scan("ram3-committed"), "mem2", Set.of());
        assertThat(d).isInstanceOf(AttachPolicy.Attachable.class);
        AttachPolicy.Attachable a = (AttachPolicy.Attachable) d;
        assertThat(a.region().region()).isEqualTo("region1");
        assertThat(a.decoder()).isEqualTo("decoder4.0");
        // what sysfs showed for region1 in the guest: resource 0x4b0000000, 256 MiB
        assertThat(a.start()).isEqualTo(20132659200L);
        assertThat(a.size()).isEqualTo(268435456L);
        assertThat(a.end()).isEqualTo(20132659200L + 268435456L - 1);
    }

    @Test
    void anInterleavedRegionIsRefused() throws IOException {
        AttachPolicy.Refused r = refused(AttachPolicy.decide(scan("ram3-committed"), "mem0", Set.of()));
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.INTERLEAVED);
        assertThat(r.message()).isEqualTo("region0 (the first region of mem0, through decoder2.0) is interleaved"
                + " across 2 targets: only a region with exactly one target can be handed off");
    }

    @Test
    void anUncommittedRegionIsRefused() throws IOException {
        Path sys = install("ram3-committed");
        Files.writeString(sys.resolve("bus/cxl/devices/region1").toRealPath().resolve("commit"), "0\n");
        AttachPolicy.Refused r = refused(AttachPolicy.decide(new CxlSysfs(sys).scan(), "mem2", Set.of()));
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.NOT_COMMITTED);
        assertThat(r.message()).startsWith("region1 (the first region of mem2, through decoder4.0) is not committed");
    }

    @Test
    void aMemdevWithoutRegionsIsRefused() throws IOException {
        AttachPolicy.Refused r = refused(AttachPolicy.decide(scan("ram3-empty"), "mem1", Set.of()));
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.NO_REGION);
        assertThat(r.message()).matches("mem1 has no region: none of the \\d+ endpoint decoders of endpoint\\d+ is attached to one");
    }

    @Test
    void theFirstDecoderWithARegionDecidesEvenWhenALaterOneWouldDo() throws IOException {
        // pmem2: mem0's first decoder is in the 2-way region0, its second in single-target region1
        Topology t = scan("pmem2-committed");
        AttachPolicy.Refused r = refused(AttachPolicy.decide(t, "mem0", Set.of()));
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.INTERLEAVED);
        assertThat(t.regions().stream().filter(x -> x.mappings().size() == 1)
                .anyMatch(x -> "mem0".equals(x.mappings().get(0).memdev()))).as("the later single-target region").isTrue();
    }

    @Test
    void aRegionAlreadyHandedOffIsRefused() throws IOException {
        AttachPolicy.Refused r = refused(AttachPolicy.decide(scan("ram3-committed"), "mem2", Set.of("region1")));
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.ALREADY_HANDED_OFF);
        assertThat(r.message()).isEqualTo("region1 (the first region of mem2, through decoder4.0) is already handed off");
    }

    @Test
    void unknownAndDisabledMemdevsAreRefused() throws IOException {
        Path sys = install("ram3-committed");
        AttachPolicy.Refused unknown = refused(AttachPolicy.decide(new CxlSysfs(sys).scan(), "mem9", Set.of()));
        assertThat(unknown.rule()).isEqualTo(AttachPolicy.Rule.UNKNOWN_MEMDEV);
        assertThat(unknown.message()).isEqualTo("memdev mem9 not found; this host has mem0, mem1, mem2");
        // unbound: the kernel removes the driver link (and, with it, the endpoint port)
        Files.delete(sys.resolve("bus/cxl/devices/mem2").toRealPath().resolve("driver"));
        AttachPolicy.Refused off = refused(AttachPolicy.decide(new CxlSysfs(sys).scan(), "mem2", Set.of()));
        assertThat(off.rule()).isEqualTo(AttachPolicy.Rule.NOT_BOUND);
    }
}
