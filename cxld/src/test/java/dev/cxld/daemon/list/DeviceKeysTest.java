package dev.cxld.daemon.list;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cxld.protocol.Json;
import org.junit.jupiter.api.Test;

/** Where the keys read from outside the topology go in a listing: where ndctl puts them. */
class DeviceKeysTest {
    static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    @Test
    void memdevsGetPoisonInjectableBeforeTheirMailboxObjectsAndMediaErrorsLast() throws Exception {
        JsonNode listing = json("[{\"memdev\":\"mem0\",\"ram_size\":1,\"host\":\"cxl_mem.0\",\"partition_info\":{}},"
                + "{\"memdev\":\"mem1\",\"state\":\"disabled\"},"
                + "{\"region\":\"region0\",\"interleave_ways\":1,\"decode_state\":\"commit\","
                + "\"mappings\":[{\"position\":0,\"memdev\":\"mem0\",\"decoder\":\"decoder2.0\"}]},"
                + "{\"endpoint\":\"endpoint2\",\"memdev\":{\"memdev\":\"mem0\"}},"
                + "{\"decoder\":\"decoder2.0\",\"region\":\"region0\",\"interleave_ways\":1}]");
        ArrayNode errors = Json.mapper().createArrayNode();
        errors.addObject().put("offset", 4096).put("length", 64).put("source", "Injected");
        DeviceKeys.add(listing, m -> m.equals("mem0"), m -> m.equals("mem0") ? errors : Json.mapper().createArrayNode(),
                r -> errors);
        assertThat(listing.get(0).toString()).isEqualTo("{\"memdev\":\"mem0\",\"ram_size\":1,\"host\":\"cxl_mem.0\","
                + "\"poison_injectable\":true,\"partition_info\":{},\"media_errors\":[{\"offset\":4096,\"length\":64,"
                + "\"source\":\"Injected\"}]}");
        assertThat(listing.get(1).toString()).as("no errors: no key").isEqualTo(
                "{\"memdev\":\"mem1\",\"state\":\"disabled\",\"poison_injectable\":false}");
        assertThat(listing.get(2).fieldNames()).toIterable().containsExactly("region", "interleave_ways", "decode_state",
                "media_errors", "mappings");
        assertThat(listing.get(2).at("/mappings/0").has("poison_injectable")).as("a mapping is not a memdev").isFalse();
        assertThat(listing.get(3).has("poison_injectable")).as("an endpoint is not a memdev").isFalse();
        assertThat(listing.get(3).at("/memdev/poison_injectable").asBoolean()).as("its nested memdev is").isTrue();
        assertThat(listing.get(4).has("media_errors")).as("a decoder is not a region").isFalse();
    }

    @Test
    void regionsGetTheirDaxRegionBeforeTheirMappings() throws Exception {
        JsonNode listing = json("{\"region\":\"region0\",\"interleave_ways\":1,\"mappings\":[]}");
        DeviceKeys.addDax(listing, r -> Json.mapper().createObjectNode().put("id", 0));
        assertThat(listing.toString()).isEqualTo("{\"region\":\"region0\",\"interleave_ways\":1,\"daxregion\":{\"id\":0},"
                + "\"mappings\":[]}");
    }
}
