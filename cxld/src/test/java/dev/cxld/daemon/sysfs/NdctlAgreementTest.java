package dev.cxld.daemon.sysfs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every port, endpoint, decoder and region ndctl's {@code cxl list -vv} printed in the guest is in
 * the snapshot with the same values, for every captured state.
 */
class NdctlAgreementTest {
    @TempDir Path tmp;

    static Stream<String> fixtures() throws IOException {
        return SysfsFixtures.names().stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void portsDecodersAndRegionsMatchCxlList(String fixture) throws IOException {
        Topology t = new CxlSysfs(SysfsFixtures.install(fixture, tmp)).scan();
        JsonNode list = new ObjectMapper().readTree(SysfsFixtures.ndctlOutput(fixture, "cxl-list-vv.json").toFile());
        int ports = 0;
        int decoders = 0;
        int regions = 0;
        for (JsonNode o : SysfsFixtures.allObjects(list)) {
            if (o.has("port") || o.has("endpoint")) {
                String name = o.has("port") ? o.get("port").asText() : o.get("endpoint").asText();
                Port p = t.port(name).orElseThrow(() -> new AssertionError(fixture + ": no " + name));
                assertThat(p.host()).as(name).isEqualTo(o.get("host").asText());
                assertThat(p.depth()).as(name).isEqualTo(o.get("depth").asInt());
                ports++;
            } else if (o.has("decoder") && !o.has("position")) { // not a region mapping
                String name = o.get("decoder").asText();
                Decoder d = t.decoder(name).orElseThrow(() -> new AssertionError(fixture + ": no " + name));
                assertThat(d.size()).as(name + " size").isEqualTo(o.path("size").asLong(0));
                assertThat(d.interleaveWays()).as(name + " ways").isEqualTo(o.get("interleave_ways").asInt());
                if (o.has("region")) {
                    assertThat(d.region()).as(name).isEqualTo(o.get("region").asText());
                }
                if (o.has("dpa_size")) {
                    assertThat(d.dpaSize()).as(name).isEqualTo(o.get("dpa_size").asLong());
                    assertThat(d.dpaResource()).as(name).isEqualTo(o.get("dpa_resource").asLong());
                }
                if (o.has("mode")) {
                    assertThat(d.mode()).as(name).isEqualTo(o.get("mode").asText());
                }
                if (o.has("resource")) {
                    assertThat(d.start()).as(name + " start").isEqualTo(o.get("resource").asLong());
                }
                decoders++;
            } else if (o.has("region") && o.has("decode_state")) {
                String name = o.get("region").asText();
                Region r = t.region(name).orElseThrow(() -> new AssertionError(fixture + ": no " + name));
                if (o.has("type")) { // ndctl 76.1 does not print it yet
                    assertThat(r.type()).as(name).isEqualTo(o.get("type").asText());
                }
                assertThat(r.resource()).as(name).isEqualTo(o.get("resource").asLong());
                assertThat(r.size()).as(name).isEqualTo(o.get("size").asLong());
                assertThat(r.interleaveGranularity()).as(name).isEqualTo(o.get("interleave_granularity").asInt());
                assertThat(r.enabled()).as(name).isEqualTo(!o.has("state"));
                regions++;
            }
        }
        assertThat(ports).as("ports ndctl listed").isEqualTo(t.ports().size() - 1); // the root is a bus
        assertThat(decoders).as("decoders ndctl listed").isEqualTo(t.decoders().size());
        assertThat(regions).as("regions ndctl listed").isEqualTo(t.regions().size());
    }
}
