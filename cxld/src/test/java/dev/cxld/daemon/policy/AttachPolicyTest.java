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
 * region1 is mem2's alone; ram1: one single-target region; switch2: memdevs behind a switch whose
 * first decoders are in a 2-way region; ram3-pending: an uncommitted region after a committed one)
 * and over those trees changed the way the kernel would change them. Every rule has a row.
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
        AttachPolicy.Refused r = mem2After("region1", "commit", "0\n");
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

    /** The memdev whose endpoint is {@code endpoint} in {@code t}. */
    static String memdevOf(Topology t, String endpoint) {
        return t.memdevs().stream().filter(m -> endpoint.equals(m.endpoint())).findFirst().orElseThrow().memdev();
    }

    /** A file of a device in an installed tree, through its bus/cxl/devices link. */
    static Path attr(Path sys, String device, String attribute) throws IOException {
        return sys.resolve("bus/cxl/devices/" + device).toRealPath().resolve(attribute);
    }

    @Test
    void theOneRegionOfASingleMemdevHostIsHandedOffWithItsExactRange() throws IOException {
        Topology t = scan("ram1-committed");
        String memdev = memdevOf(t, "endpoint2");
        AttachPolicy.Attachable a = (AttachPolicy.Attachable) AttachPolicy.decide(t, memdev, Set.of());
        assertThat(a.region().region()).isEqualTo("region0");
        assertThat(a.decoder()).isEqualTo("decoder2.0");
        // sysfs in the guest: resource 0x490000000, size 0x10000000
        assertThat(a.start()).isEqualTo(0x490000000L);
        assertThat(a.end()).isEqualTo(0x490000000L + 0x10000000L - 1);
        assertThat(a.size()).isEqualTo(0x10000000L);
    }

    @Test
    void behindASwitchTheFirstDecoderStillDecides() throws IOException {
        // switch2: endpoint3's decoder3.0 is in the 2-way region0, its decoder3.1 in single-target region1
        Topology t = scan("switch2-committed");
        String memdev = memdevOf(t, "endpoint3");
        AttachPolicy.Refused r = refused(AttachPolicy.decide(t, memdev, Set.of()));
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.INTERLEAVED);
        assertThat(r.region()).isEqualTo("region0");
        assertThat(r.message()).isEqualTo("region0 (the first region of " + memdev + ", through decoder3.0) is"
                + " interleaved across 2 targets: only a region with exactly one target can be handed off");
        assertThat(t.region("region1").orElseThrow().mappings()).singleElement()
                .satisfies(m -> assertThat(m.decoder()).isEqualTo("decoder3.1"));
    }

    @Test
    void aLaterUncommittedRegionDoesNotCount() throws IOException {
        // ram3-pending: endpoint2 has decoder2.0 in the 2-way region0 and decoder2.1 in uncommitted region2
        Topology t = scan("ram3-pending");
        String memdev = memdevOf(t, "endpoint2");
        AttachPolicy.Refused r = refused(AttachPolicy.decide(t, memdev, Set.of()));
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.INTERLEAVED);
        assertThat(r.region()).isEqualTo("region0");
        // and mem2's committed single-target region1 is still attachable beside them
        assertThat(AttachPolicy.decide(t, "mem2", Set.of())).isInstanceOf(AttachPolicy.Attachable.class);
    }

    /** mem2's decision in ram3-committed after {@code value} was written to {@code device}'s {@code attribute}. */
    AttachPolicy.Refused mem2After(String device, String attribute, String value) throws IOException {
        Path sys = install("ram3-committed");
        Files.writeString(attr(sys, device, attribute), value);
        return refused(AttachPolicy.decide(new CxlSysfs(sys).scan(), "mem2", Set.of()));
    }

    @Test
    void aCommittedRegionWithoutAnAddressIsNotCommittedEnough() throws IOException {
        // the kernel prints an unset resource as all ones
        AttachPolicy.Refused r = mem2After("region1", "resource", "0xffffffffffffffff\n");
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.NOT_COMMITTED);
        assertThat(r.region()).isEqualTo("region1");
    }

    @Test
    void aRegionStillBeingGivenTargetsIsInterleavedByItsWays() throws IOException {
        // one target attached of two: interleave_ways says 2, so the region is not single-target
        AttachPolicy.Refused r = mem2After("region1", "interleave_ways", "2\n");
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.INTERLEAVED);
        assertThat(r.message()).contains("is interleaved across 2 targets");
    }

    @Test
    void aDecoderNamingARegionThatIsGoneHasNoRegion() throws IOException {
        // between a region's removal and its decoders' reset, a decoder may still name it
        AttachPolicy.Refused r = mem2After("decoder4.0", "region", "region9\n");
        assertThat(r.rule()).isEqualTo(AttachPolicy.Rule.NO_REGION);
        assertThat(r.region()).isEqualTo("region9");
        assertThat(r.message()).isEqualTo("mem2: decoder4.0 names region region9, which is not on the CXL bus (it is"
                + " being torn down)");
    }

    @Test
    void decodersAreTakenInInstanceOrderNotNameOrder() {
        assertThat(dev.cxld.protocol.model.Decoder.instanceOf("decoder2.10")).isEqualTo(10);
        assertThat(java.util.stream.Stream.of("decoder2.10", "decoder2.2", "decoder2.0")
                .sorted(java.util.Comparator.comparingLong(dev.cxld.protocol.model.Decoder::instanceOf)))
                .containsExactly("decoder2.0", "decoder2.2", "decoder2.10");
    }
}
