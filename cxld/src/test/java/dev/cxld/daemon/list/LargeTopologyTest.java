package dev.cxld.daemon.list;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SyntheticSysfs;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated tree of 1,000 memdevs under 10 host bridges, 100 of them with a region. */
class LargeTopologyTest {
    @TempDir static Path tmp;
    static Topology t;

    @BeforeAll
    static void scan() throws IOException {
        t = new CxlSysfs(SyntheticSysfs.write(tmp.resolve("sys"), 10, 100, 10)).scan();
    }

    @Test
    void everyObjectIsRead() {
        assertThat(t.errors()).isEmpty();
        assertThat(t.memdevs()).hasSize(1000);
        assertThat(t.ports()).hasSize(1 + 10 + 1000);
        assertThat(t.decoders()).hasSize(1 + 10 * 4 + 1000 * 4);
        assertThat(t.regions()).hasSize(100);
        assertThat(t.memdevs()).allSatisfy(m -> {
            assertThat(m.errors()).isEmpty();
            assertThat(m.endpoint()).isNotNull();
        });
        // natural order, and each memdev behind the endpoint created for it
        assertThat(t.memdevs().get(999).memdev()).isEqualTo("mem999");
        assertThat(t.memdevs().get(999).serial()).isEqualTo(0x1000L + 999);
        assertThat(t.memdevs().get(999).endpoint()).isEqualTo("endpoint1010");
    }

    @Test
    void listsAllMemdevsWithDistinctSerials() {
        JsonNode out = ListWalk.list(t, memdevs(null, null));
        assertThat(out).hasSize(1000);
        Set<Long> serials = new HashSet<>();
        out.forEach(m -> serials.add(m.get("serial").asLong()));
        assertThat(serials).hasSize(1000).contains(0x1000L, 0x1000L + 999);
    }

    @Test
    void filtersFindOneMemdevAmongAThousand() {
        JsonNode byName = ListWalk.list(t, memdevs("mem777", null));
        assertThat(byName).hasSize(1);
        assertThat(byName.get(0).get("serial").asLong()).isEqualTo(0x1000L + 777);
        JsonNode bySerial = ListWalk.list(t, memdevs(null, "0x1309"));
        assertThat(bySerial.get(0).get("memdev").asText()).isEqualTo("mem777");
        // port7 is the seventh host bridge: memdevs 600..699
        ListParams underPort = new ListParams(true, false, false, false, false, false, false, false, false, false, 0,
                null, null, null, "port7", null, null, null);
        JsonNode under = ListWalk.list(t, underPort);
        assertThat(under).hasSize(100);
        assertThat(under.get(0).get("memdev").asText()).isEqualTo("mem600");
    }

    @Test
    void regionsListWithTheirMappings() {
        ListParams regions = new ListParams(false, false, false, false, false, true, true, false, false, false, 0,
                null, null, null, null, null, null, null);
        JsonNode out = ListWalk.list(t, regions);
        assertThat(out).hasSize(100);
        JsonNode last = out.get(99);
        assertThat(last.get("region").asText()).isEqualTo("region99");
        assertThat(last.get("resource").asLong()).isEqualTo(SyntheticSysfs.WINDOW_BASE + 99 * SyntheticSysfs.MIB_256);
        assertThat(last.get("mappings").get(0).get("memdev").asText()).isEqualTo("mem990");
        Memdev mem990 = t.memdev("mem990").orElseThrow();
        assertThat(last.get("mappings").get(0).get("decoder").asText()).isEqualTo("decoder" + mem990.endpoint().substring(8) + ".0");
    }

    @Test
    void theWholeTreeListsVerbosely() {
        ListParams vv = new ListParams(false, false, false, false, false, false, false, false, false, false, 2,
                null, null, null, null, null, null, null);
        JsonNode out = ListWalk.list(t, vv);
        JsonNode bus = out.get(0);
        assertThat(bus.get("ports:root0")).hasSize(10);
        assertThat(bus.get("ports:root0").get(0).get("endpoints:port1")).hasSize(100);
        assertThat(bus.get("decoders:root0").get(0).get("regions:decoder0.0")).hasSize(100);
        long extent = bus.get("decoders:root0").get(0).get("max_available_extent").asLong();
        assertThat(extent).isEqualTo((1L << 40) - 100 * SyntheticSysfs.MIB_256);
    }

    static ListParams memdevs(String ident, String serial) {
        return new ListParams(true, false, false, false, false, false, false, false, false, false, 0,
                ident, serial, null, null, null, null, null);
    }
}
