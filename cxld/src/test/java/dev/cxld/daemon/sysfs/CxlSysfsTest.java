package dev.cxld.daemon.sysfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.DecoderKind;
import dev.cxld.protocol.model.Dport;
import dev.cxld.protocol.model.Mapping;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.PortKind;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exact values from trees captured in QEMU guests (kernel 6.12, QEMU 10.0.2). */
class CxlSysfsTest {
    static final long MIB_256 = 256L << 20;
    static final long MIB_512 = 512L << 20;

    @TempDir Path tmp;

    Topology scan(String fixture) throws IOException {
        return new CxlSysfs(SysfsFixtures.install(fixture, tmp)).scan();
    }

    static Stream<String> fixtures() throws IOException {
        return SysfsFixtures.names().stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyCapturedTreeScansWithoutErrors(String fixture) throws IOException {
        Topology t = scan(fixture);
        assertThat(t.errors()).isEmpty();
        assertThat(t.ports()).allSatisfy(p -> assertThat(p.errors()).as(p.port()).isEmpty());
        assertThat(t.decoders()).allSatisfy(d -> assertThat(d.errors()).as(d.decoder()).isEmpty());
        assertThat(t.memdevs()).allSatisfy(m -> assertThat(m.errors()).as(m.memdev()).isEmpty());
        assertThat(t.regions()).allSatisfy(r -> assertThat(r.errors()).as(r.region()).isEmpty());
        assertThat(t.memdevs()).allSatisfy(m -> assertThat(m.endpoint()).as(m.memdev()).isNotNull());
    }

    @Test
    void ram3Committed() throws IOException {
        Topology t = scan("ram3-committed");

        assertThat(t.memdevs()).extracting(Memdev::memdev, Memdev::serial, Memdev::host, Memdev::endpoint)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("mem0", 0x102L, "0000:0f:00.0", "endpoint2"),
                        // probe order, not the QEMU command line, numbers memdevs
                        org.assertj.core.groups.Tuple.tuple("mem1", 0x101L, "0000:0e:00.0", "endpoint3"),
                        org.assertj.core.groups.Tuple.tuple("mem2", 0x100L, "0000:0d:00.0", "endpoint4"));
        Memdev mem0 = t.memdev("mem0").orElseThrow();
        assertThat(mem0.ramSize()).isEqualTo(MIB_512);
        assertThat(mem0.pmemSize()).isZero();
        assertThat(mem0.enabled()).isTrue();
        assertThat(mem0.payloadMax()).isPositive();
        assertThat(mem0.labelStorageSize()).isZero();

        Port root = t.port("root0").orElseThrow();
        assertThat(root.kind()).isEqualTo(PortKind.ROOT);
        assertThat(root.depth()).isZero();
        assertThat(root.host()).isEqualTo("ACPI0017:00");
        assertThat(root.parent()).isNull();
        assertThat(root.dports()).containsExactly(new Dport("pci0000:0c", "ACPI0016:00", 12));
        Port hb = t.port("port1").orElseThrow();
        assertThat(hb.kind()).isEqualTo(PortKind.SWITCH);
        assertThat(hb.host()).isEqualTo("pci0000:0c");
        assertThat(hb.parent()).isEqualTo("root0");
        assertThat(hb.parentDport()).isEqualTo("pci0000:0c");
        assertThat(hb.depth()).isEqualTo(1);
        assertThat(hb.dports()).extracting(Dport::dport, Dport::id).containsExactly(
                org.assertj.core.groups.Tuple.tuple("0000:0c:00.0", 0L),
                org.assertj.core.groups.Tuple.tuple("0000:0c:01.0", 1L),
                org.assertj.core.groups.Tuple.tuple("0000:0c:02.0", 2L));
        Port ep = t.port("endpoint2").orElseThrow();
        assertThat(ep.kind()).isEqualTo(PortKind.ENDPOINT);
        assertThat(ep.host()).isEqualTo("mem0");
        assertThat(ep.parentDport()).isEqualTo("0000:0c:02.0");
        assertThat(ep.depth()).isEqualTo(2);
        assertThat(ep.decodersCommitted()).isEqualTo(1);

        Decoder window = t.decoder("decoder0.0").orElseThrow();
        assertThat(window.kind()).isEqualTo(DecoderKind.ROOT);
        assertThat(window.size()).isEqualTo(4L << 30);
        assertThat(window.targets()).containsExactly(12L);
        assertThat(window.capRam()).isTrue();
        assertThat(window.capPmem()).isTrue();
        assertThat(window.capType3()).isTrue();
        assertThat(window.interleaveWays()).isEqualTo(1);
        Decoder hbDecoder = t.decoder("decoder1.0").orElseThrow();
        assertThat(hbDecoder.kind()).isEqualTo(DecoderKind.SWITCH);
        assertThat(hbDecoder.targets()).containsExactly(2L, 1L);
        assertThat(hbDecoder.region()).isEqualTo("region0");
        assertThat(hbDecoder.targetType()).isEqualTo("expander");
        Decoder used = t.decoder("decoder2.0").orElseThrow();
        assertThat(used.kind()).isEqualTo(DecoderKind.ENDPOINT);
        assertThat(used.mode()).isEqualTo("ram");
        assertThat(used.dpaSize()).isEqualTo(MIB_256);
        assertThat(used.dpaResource()).isZero();
        assertThat(used.region()).isEqualTo("region0");
        Decoder free = t.decoder("decoder2.1").orElseThrow();
        assertThat(free.mode()).isEqualTo("none");
        assertThat(free.dpaResource()).isEqualTo(-1L);
        assertThat(free.size()).isZero();
        assertThat(free.region()).isNull();

        Region interleaved = t.region("region0").orElseThrow();
        assertThat(interleaved.rootDecoder()).isEqualTo("decoder0.0");
        assertThat(interleaved.resource()).isEqualTo(0x490000000L);
        assertThat(interleaved.size()).isEqualTo(MIB_512);
        assertThat(interleaved.type()).isEqualTo("ram");
        assertThat(interleaved.interleaveWays()).isEqualTo(2);
        assertThat(interleaved.interleaveGranularity()).isEqualTo(256);
        assertThat(interleaved.uuid()).isNull();
        assertThat(interleaved.committed()).isTrue();
        assertThat(interleaved.enabled()).isTrue();
        assertThat(interleaved.locked()).isNull(); // 6.12 has no region "locked"
        assertThat(interleaved.mappings()).containsExactly(
                new Mapping(0, "decoder2.0", "mem0"), new Mapping(1, "decoder3.0", "mem1"));
        assertThat(interleaved.daxDevices()).containsExactly("dax0.0");
        Region single = t.region("region1").orElseThrow();
        assertThat(single.interleaveWays()).isEqualTo(1);
        assertThat(single.mappings()).containsExactly(new Mapping(0, "decoder4.0", "mem2"));
        assertThat(single.resource()).isEqualTo(0x490000000L + MIB_512);
    }

    @Test
    void pendingRegionsAreNotCommittedNorEnabled() throws IOException {
        Region withTarget = scan("pmem2-pending").region("region2").orElseThrow();
        assertThat(withTarget.committed()).isFalse();
        assertThat(withTarget.enabled()).isFalse();
        assertThat(withTarget.type()).isEqualTo("pmem");
        assertThat(withTarget.uuid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(withTarget.mappings()).hasSize(1);
        Region sizedOnly = scan("ram1-pending").region("region1").orElseThrow();
        assertThat(sizedOnly.committed()).isFalse();
        assertThat(sizedOnly.mappings()).isEmpty();
        assertThat(sizedOnly.size()).isEqualTo(MIB_256);
    }

    @Test
    void switchPortsSitBetweenHostBridgeAndEndpoints() throws IOException {
        Topology t = scan("switch2-committed");
        Port sw = t.port("port2").orElseThrow();
        assertThat(sw.depth()).isEqualTo(2);
        assertThat(sw.parent()).isEqualTo("port1");
        assertThat(sw.dports()).hasSize(2);
        assertThat(t.ports().stream().filter(p -> p.kind() == PortKind.ENDPOINT))
                .allSatisfy(p -> {
                    assertThat(p.depth()).isEqualTo(3);
                    assertThat(p.parent()).isEqualTo("port2");
                });
        assertThat(t.region("region0").orElseThrow().mappings()).hasSize(2);
    }

    @Test
    void persistentMemdevsHaveLabelAreas() throws IOException {
        assertThat(scan("pmem2-empty").memdevs()).allSatisfy(m -> {
            assertThat(m.pmemSize()).isEqualTo(MIB_512);
            assertThat(m.ramSize()).isZero();
            assertThat(m.labelStorageSize()).isEqualTo(256L << 10);
        });
    }

    @Test
    void garbledAttributesBecomeErrorsOnTheirObjectOnly() throws IOException {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        Path mem0 = sys.resolve("bus/cxl/devices/mem0").toRealPath();
        Files.writeString(mem0.resolve("serial"), "0xzz\n");
        Files.writeString(sys.resolve("bus/cxl/devices/region0").toRealPath().resolve("commit"), "maybe\n");
        Files.delete(mem0.resolve("numa_node"));

        Topology t = new CxlSysfs(sys).scan();

        Memdev m = t.memdev("mem0").orElseThrow();
        assertThat(m.serial()).isNull();
        assertThat(m.numaNode()).as("an attribute the kernel does not have is absent, not an error").isNull();
        assertThat(m.errors()).containsExactly(mem0.resolve("serial") + ": expected an unsigned 64-bit number, found '0xzz\\n'");
        assertThat(m.ramSize()).isEqualTo(MIB_512);
        Region r = t.region("region0").orElseThrow();
        assertThat(r.committed()).isNull();
        assertThat(r.errors()).singleElement().asString().endsWith("commit: expected 0 or 1, found 'maybe\\n'");
        assertThat(t.memdev("mem1").orElseThrow().errors()).isEmpty();
        assertThat(t.regions()).hasSize(2);
    }

    @Test
    void vanishedDevicesAreReportedAndTheRestIsListed() throws IOException {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        Files.createSymbolicLink(sys.resolve("bus/cxl/devices/mem9"), Path.of("../../../devices/gone/mem9"));
        Topology t = new CxlSysfs(sys).scan();
        assertThat(t.errors()).singleElement().asString().contains("mem9: device vanished during the scan");
        assertThat(t.memdevs()).hasSize(3);
    }

    @Test
    void aTreeWithoutCxlIsAnEmptyTopologyThatSaysWhy() {
        Topology t = new CxlSysfs(tmp).scan();
        assertThat(t.memdevs()).isEmpty();
        assertThat(t.errors()).singleElement().asString().contains("no CXL bus");
    }

    @Test
    void naturalOrder() {
        List<String> names = new java.util.ArrayList<>(List.of("mem10", "decoder1.10", "mem2", "decoder1.2", "decoder10.0", "endpoint3", "port1", "root0"));
        names.sort(DeviceNames.ORDER);
        assertThat(names).containsExactly("decoder1.2", "decoder1.10", "decoder10.0", "endpoint3", "mem2", "mem10", "port1", "root0");
        List<String> odd = List.of("mem10", "x", "region3", "decoder1.10", "mem", "dax_region1", "region10", "mem2",
                "decoder1.2", "decoder99999999999999999999.1", "decoder10.0", "endpoint3", "port1", "root0", "");
        List<String> byOrder = new java.util.ArrayList<>(odd);
        byOrder.sort(DeviceNames.ORDER);
        assertThat(DeviceNames.sorted(odd)).as("parsed once, the same order").isEqualTo(byOrder);
    }
}
