package dev.cxld.daemon.list;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** cxld's listing of each captured tree equals what ndctl printed in the guest it came from. */
class ListWalkTest {
    @TempDir Path tmp;

    static Stream<String> fixtures() throws IOException {
        return SysfsFixtures.names().stream();
    }

    Topology scan(String fixture) throws IOException {
        return new CxlSysfs(SysfsFixtures.install(fixture, Files.createTempDirectory(tmp, "sys"))).scan();
    }

    static ListParams verbose(int v, boolean human) {
        return new ListParams(false, false, false, false, false, false, false, false, human, false, v,
                null, null, null, null, null, null, null);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void vvMatchesNdctl(String fixture) throws IOException {
        compare(fixture, verbose(2, false), "cxl-list-vv.json");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void vvHumanMatchesNdctl(String fixture) throws IOException {
        compare(fixture, verbose(2, true), "cxl-list-vv-u.json");
    }

    private void compare(String fixture, ListParams params, String ndctlFile) throws IOException {
        // through the printed text, as a script would read it
        JsonNode ours = NdctlOutput.parse(JsonText.pretty(ListWalk.list(scan(fixture), params)));
        JsonNode theirs = NdctlOutput.parse(Files.readString(SysfsFixtures.ndctlOutput(fixture, ndctlFile)));
        Set<String> skip = new HashSet<>(NdctlOutput.NEWER_THAN_76);
        if (fixture.endsWith("-pending")) {
            // deliberate difference: see maxAvailableExtentCountsUncommittedRegions
            skip.add("max_available_extent");
        }
        assertThat(NdctlOutput.sorted(NdctlOutput.without(ours, skip)))
                .isEqualTo(NdctlOutput.sorted(NdctlOutput.without(theirs, skip)));
    }

    @Test
    void textIsByteForByteNdctlsWhereItsOrderIsKnown() throws IOException {
        // ram1 has one object of each kind, so ndctl's readdir order cannot differ from cxld's.
        for (String fixture : new String[] {"ram1-empty", "ram1-committed"}) {
            for (boolean human : new boolean[] {false, true}) {
                JsonNode ours = NdctlOutput.without(ListWalk.list(scan(fixture), verbose(2, human)), NdctlOutput.NEWER_THAN_76);
                String file = human ? "cxl-list-vv-u.json" : "cxl-list-vv.json";
                assertThat(JsonText.pretty(ours)).as(fixture + " " + file)
                        .isEqualTo(Files.readString(SysfsFixtures.ndctlOutput(fixture, file)));
            }
        }
    }

    @Test
    void maxAvailableExtentCountsUncommittedRegions() throws IOException {
        // switch2-pending: a 4 GiB window holding region0 (512 MiB), region1 (256 MiB), both
        // committed, and region2 (256 MiB, sized and targeted, not committed). ndctl 76.1 ignores
        // region2 and reports 3.25 GiB free, but the kernel will not allocate region2's HPA again.
        JsonNode ours = ListWalk.list(scan("switch2-pending"), withDecoders("root"));
        assertThat(ours.get(0).get("max_available_extent").asLong()).isEqualTo(3L << 30);
        JsonNode ndctl = NdctlOutput.parse(Files.readString(SysfsFixtures.ndctlOutput("switch2-pending", "cxl-list-vv.json")));
        assertThat(ndctl.get(0).get("decoders:root0").get(0).get("max_available_extent").asLong()).isEqualTo(13L << 28);
    }

    @Test
    void defaultListsRegionsAndMemdevsInContainers() throws IOException {
        JsonNode out = ListWalk.list(scan("ram3-committed"), ListParams.none());
        assertThat(out.size()).isEqualTo(2);
        assertThat(out.get(0).get("memdevs")).hasSize(3);
        assertThat(out.get(1).get("regions")).hasSize(2);
        assertThat(out.get(1).get("regions").get(0).get("region").asText()).isEqualTo("region0");
    }

    @Test
    void oneKindIsAFlatArrayAndHumanUnwrapsASingleObject() throws IOException {
        Topology t = scan("ram3-committed");
        JsonNode memdevs = ListWalk.list(t, memdevFilter("mem1", false));
        assertThat(memdevs.isArray()).isTrue();
        assertThat(memdevs).hasSize(1);
        assertThat(memdevs.get(0).get("memdev").asText()).isEqualTo("mem1");
        JsonNode human = ListWalk.list(t, memdevFilter("mem1", true));
        assertThat(human.isObject()).isTrue();
        assertThat(human.get("ram_size").asText()).isEqualTo("512.00 MiB (536.87 MB)");
        assertThat(human.get("serial").asText()).isEqualTo("0x101");
    }

    @Test
    void memdevFiltersAcceptNamesNumbersListsSerialsAndAll() throws IOException {
        Topology t = scan("ram3-committed");
        assertThat(names(ListWalk.list(t, memdevFilter("mem0,2", false)), "memdev")).containsExactly("mem0", "mem2");
        assertThat(names(ListWalk.list(t, memdevFilter("mem0 mem1", false)), "memdev")).containsExactly("mem0", "mem1");
        assertThat(names(ListWalk.list(t, memdevFilter("all", false)), "memdev")).containsExactly("mem0", "mem1", "mem2");
        ListParams bySerial = new ListParams(false, false, false, false, false, false, false, false, false, false, 0,
                null, "0x100,258", null, null, null, null, null);
        assertThat(names(ListWalk.list(t, bySerial), "memdev")).containsExactly("mem0", "mem2");
        assertThat(ListWalk.list(t, memdevFilter("mem7", false))).isEmpty();
    }

    @Test
    void decoderFilterNarrowsMemdevsToThoseItMaps() throws IOException {
        Topology t = scan("ram3-committed");
        // region0 interleaves mem0 and mem1: the host-bridge decoder decoder1.0 maps both, not mem2
        ListParams p = new ListParams(true, false, false, false, false, false, false, false, false, false, 0,
                null, null, null, null, null, "decoder1.0", null);
        assertThat(names(ListWalk.list(t, p), "memdev")).containsExactly("mem0", "mem1");
        ListParams ep = new ListParams(true, false, false, false, false, false, false, false, false, false, 0,
                null, null, null, null, null, "decoder4.0", null);
        assertThat(names(ListWalk.list(t, ep), "memdev")).containsExactly("mem2");
    }

    @Test
    void regionFilterAndTargets() throws IOException {
        Topology t = scan("ram3-committed");
        ListParams p = new ListParams(false, false, false, false, false, true, true, false, false, false, 0,
                null, null, null, null, null, null, "1");
        JsonNode out = ListWalk.list(t, p);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).get("region").asText()).isEqualTo("region1");
        assertThat(out.get(0).get("type").asText()).isEqualTo("ram");
        assertThat(out.get(0).get("mappings").get(0).get("memdev").asText()).isEqualTo("mem2");
    }

    @Test
    void portClassFiltersAndSingle() throws IOException {
        Topology t = scan("switch2-committed");
        ListParams switches = new ListParams(false, false, true, false, false, false, false, false, false, false, 0,
                null, null, null, "switch", null, null, null);
        JsonNode out = ListWalk.list(t, switches);
        assertThat(out.get(0).get("port").asText()).isEqualTo("port1");
        assertThat(out.get(0).get("ports:port1").get(0).get("port").asText()).isEqualTo("port2");
        ListParams single = new ListParams(false, false, true, false, false, false, false, false, false, true, 0,
                null, null, null, "port2", null, null, null);
        assertThat(names(ListWalk.list(t, single), "port")).containsExactly("port2");
        // cxl list -P -p switch,endpoint -m mem0: "endpoint" in a port filter with -P adds -E
        ListParams endpoints = new ListParams(false, false, true, false, false, false, false, false, false, false, 0,
                "mem0", null, null, "switch,endpoint", null, null, null);
        JsonNode eps = ListWalk.list(t, endpoints);
        assertThat(eps).hasSize(1);
        JsonNode port2 = eps.get(0).get("ports:port1").get(0);
        assertThat(port2.get("port").asText()).isEqualTo("port2");
        assertThat(names(port2.get("endpoints:port2"), "endpoint")).containsExactly("endpoint3");
        // "endpoint" alone names no switch port: endpoints come flat, as from ndctl
        ListParams only = new ListParams(false, false, true, false, false, false, false, false, false, false, 0,
                null, null, null, "endpoint", null, null, null);
        assertThat(names(ListWalk.list(t, only), "endpoint")).containsExactly("endpoint3", "endpoint4");
    }

    @Test
    void busFilterTakesNameNumberOrProviderAndEndpointFilterNames() throws IOException {
        Topology t = scan("ram3-committed");
        for (String bus : new String[] {"root0", "0", "ACPI.CXL", "all"}) {
            ListParams b = new ListParams(false, false, false, false, false, false, false, false, false, false, 0,
                    null, null, bus, null, null, null, null);
            assertThat(names(ListWalk.list(t, b), "bus")).as(bus).containsExactly("root0");
        }
        ListParams none = new ListParams(false, false, false, false, false, false, false, false, false, false, 0,
                null, null, "cxl_test", null, null, null, null);
        assertThat(ListWalk.list(t, none)).isEmpty();
        ListParams e = new ListParams(false, false, false, false, false, false, false, false, false, false, 0,
                null, null, null, null, "endpoint3,4", null, null);
        assertThat(names(ListWalk.list(t, e), "endpoint")).containsExactly("endpoint3", "endpoint4");
        ListParams eWithMemdev = new ListParams(true, false, false, true, false, false, false, false, false, false, 0,
                null, null, null, null, "endpoint2", null, null);
        JsonNode ep = ListWalk.list(t, eWithMemdev);
        assertThat(ep.get(0).get("memdev").get("memdev").asText()).isEqualTo("mem0");
    }

    @Test
    void newerKernelAttributesAppearWhenPresent() throws IOException {
        Path sys = SysfsFixtures.install("ram3-committed", Files.createTempDirectory(tmp, "sys"));
        Path region0 = sys.resolve("bus/cxl/devices/region0").toRealPath();
        Files.writeString(region0.resolve("extended_linear_cache_size"), "0x10000000\n"); // 6.19
        Files.writeString(region0.resolve("locked"), "1\n"); // 7.1
        ListParams regions = new ListParams(false, false, false, false, false, true, false, false, false, false, 0,
                null, null, null, null, null, null, "region0");
        JsonNode r = ListWalk.list(new CxlSysfs(sys).scan(), regions).get(0);
        assertThat(r.get("extended_linear_cache_size").asLong()).isEqualTo(256L << 20);
        assertThat(r.get("locked").asBoolean()).isTrue();
        java.util.List<String> keys = new java.util.ArrayList<>();
        r.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsSubsequence("size", "extended_linear_cache_size", "type");
    }

    @Test
    void disabledObjectsNeedIdle() throws IOException {
        Topology t = scan("pmem2-pending");
        ListParams regions = new ListParams(false, false, false, false, false, true, false, false, false, false, 0,
                null, null, null, null, null, null, null);
        assertThat(names(ListWalk.list(t, regions), "region")).containsExactly("region0", "region1");
        ListParams idle = new ListParams(false, false, false, false, false, true, false, true, false, false, 0,
                null, null, null, null, null, null, null);
        JsonNode all = ListWalk.list(t, idle);
        assertThat(names(all, "region")).containsExactly("region0", "region1", "region2");
        assertThat(all.get(2).get("state").asText()).isEqualTo("disabled");
        assertThat(all.get(2).get("decode_state").asText()).isEqualTo("reset");
    }

    @Test
    void garbledAttributesSurfaceAsErrorsOnTheirObject() throws IOException {
        Path sys = SysfsFixtures.install("ram1-empty", tmp);
        Files.writeString(sys.resolve("bus/cxl/devices/mem0").toRealPath().resolve("ram/size"), "lots\n");
        JsonNode out = ListWalk.list(new CxlSysfs(sys).scan(), memdevFilter("mem0", false));
        ObjectNode mem0 = (ObjectNode) out.get(0);
        assertThat(mem0.has("ram_size")).isFalse();
        assertThat(mem0.get("errors").get(0).asText()).endsWith("ram/size: expected an unsigned 64-bit number, found 'lots\\n'");
    }

    @Test
    void emptyResultIsAnEmptyArray() {
        JsonNode out = ListWalk.list(new Topology(java.util.List.of(), java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of()), ListParams.none());
        assertThat(JsonText.pretty(out)).isEqualTo("[\n]\n");
    }

    static ListParams memdevFilter(String ident, boolean human) {
        return new ListParams(false, false, false, false, false, false, false, false, human, false, 0,
                ident, null, null, null, null, null, null);
    }

    static ListParams withDecoders(String ident) {
        return new ListParams(false, false, false, false, true, false, false, false, false, false, 0,
                null, null, null, null, null, ident, null);
    }

    static java.util.List<String> names(JsonNode array, String key) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(o -> out.add(o.get(key).asText()));
        return out;
    }
}
