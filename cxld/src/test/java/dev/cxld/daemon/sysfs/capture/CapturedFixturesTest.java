package dev.cxld.daemon.sysfs.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cxld.daemon.testing.SysfsFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed fixture trees are faithful: they materialize into a tree whose links resolve, and
 * what they hold agrees with what ndctl's {@code cxl list} printed in the same guest state.
 */
class CapturedFixturesTest {
    static final Map<String, Integer> MEMDEVS = Map.of("ram1", 1, "ram3", 3, "pmem2", 2, "switch2", 2, "switch32", 32);
    static final Map<String, Integer> REGIONS = Map.of("empty", 0, "committed", 2, "pending", 3);
    /**
     * ram1 has one memdev behind a passthrough host-bridge decoder: room for one committed region.
     * Only ram1 is also captured with that region's memory as System RAM (kmem) and taken private
     * again (devdax), the pending region deleted.
     */
    static final Map<String, Integer> RAM1_REGIONS = Map.of("empty", 0, "committed", 1, "pending", 2, "kmem", 1,
            "devdax", 1);

    @TempDir Path tmp;

    static Stream<String> fixtures() throws IOException {
        return SysfsFixtures.names().stream();
    }

    @Test
    void everyTopologyIsCapturedInEveryState() throws IOException {
        List<String> want = new ArrayList<>();
        for (String t : MEMDEVS.keySet()) {
            if (t.equals("switch32")) {
                want.add("switch32-committed"); // the scale tree: one state, 16 single-target regions
                continue;
            }
            for (String s : REGIONS.keySet()) {
                want.add(t + "-" + s);
            }
        }
        want.add("ram1-kmem");
        want.add("ram1-devdax");
        assertThat(SysfsFixtures.names()).containsExactlyInAnyOrderElementsOf(want);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void materializesWithKernelAndQemuNotedAndLinksResolving(String name) throws IOException {
        Path sys = SysfsFixtures.install(name, tmp);
        CaptureManifest m = CaptureManifest.read(sys);
        assertThat(m.notes().get("kernel")).startsWith("6.");
        assertThat(m.notes().get("qemu")).startsWith("QEMU emulator version");
        assertThat(m.notes()).containsEntry("topology", name.substring(0, name.indexOf('-')));
        try (Stream<Path> devs = Files.list(sys.resolve("bus/cxl/devices"))) {
            devs.forEach(d -> assertThat(d).as("%s resolves", d).isDirectory());
        }
        String topology = name.substring(0, name.indexOf('-'));
        String state = name.substring(name.indexOf('-') + 1);
        assertThat(listDevices(sys, "mem")).hasSize(MEMDEVS.get(topology));
        int regions = topology.equals("switch32") ? 16 : (topology.equals("ram1") ? RAM1_REGIONS : REGIONS).get(state);
        assertThat(listDevices(sys, "region")).hasSize(regions);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void memdevsAgreeWithNdctl(String name) throws IOException {
        Path sys = SysfsFixtures.install(name, tmp);
        Map<String, String> fromSysfs = new TreeMap<>();
        for (String mem : listDevices(sys, "mem")) {
            Path d = sys.resolve("bus/cxl/devices").resolve(mem);
            fromSysfs.put(mem, "serial=" + hex(d.resolve("serial")) + " ram=" + hex(d.resolve("ram/size"))
                    + " pmem=" + hex(d.resolve("pmem/size")));
        }
        Map<String, String> fromNdctl = new TreeMap<>();
        for (JsonNode mem : objectsWith(ndctl(name, "cxl-list-M-I.json"), "memdev")) {
            fromNdctl.put(mem.get("memdev").asText(), "serial=" + mem.get("serial").asLong()
                    + " ram=" + mem.path("ram_size").asLong(0) + " pmem=" + mem.path("pmem_size").asLong(0));
        }
        assertThat(fromSysfs).isEqualTo(fromNdctl);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void regionsAgreeWithNdctl(String name) throws IOException {
        Path sys = SysfsFixtures.install(name, tmp);
        Map<String, String> fromSysfs = new TreeMap<>();
        for (String r : listDevices(sys, "region")) {
            Path d = sys.resolve("bus/cxl/devices").resolve(r);
            fromSysfs.put(r, "resource=" + hex(d.resolve("resource")) + " size=" + hex(d.resolve("size"))
                    + " ways=" + Files.readString(d.resolve("interleave_ways")).trim()
                    + " commit=" + Files.readString(d.resolve("commit")).trim());
        }
        Map<String, String> fromNdctl = new TreeMap<>();
        for (JsonNode r : objectsWith(ndctl(name, "cxl-list-vv.json"), "decode_state")) {
            fromNdctl.put(r.get("region").asText(), "resource=" + r.get("resource").asLong()
                    + " size=" + r.get("size").asLong() + " ways=" + r.get("interleave_ways").asInt()
                    + " commit=" + ("commit".equals(r.get("decode_state").asText()) ? 1 : 0));
        }
        assertThat(fromSysfs).isEqualTo(fromNdctl);
    }

    private static List<String> listDevices(Path sys, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(sys.resolve("bus/cxl/devices"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches(prefix + "\\d+")).sorted().toList();
        }
    }

    private static long hex(Path attr) throws IOException {
        if (!Files.exists(attr)) {
            return 0;
        }
        String s = Files.readString(attr).trim();
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }

    private static JsonNode ndctl(String name, String file) throws IOException {
        return new ObjectMapper().readTree(SysfsFixtures.ndctlOutput(name, file).toFile());
    }
    private static List<JsonNode> objectsWith(JsonNode node, String key) {
        return SysfsFixtures.allObjects(node).stream().filter(o -> o.has(key)).collect(Collectors.toList());
    }
}
