package dev.cxld.daemon.list;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import org.junit.jupiter.api.Test;

class MailboxKeysTest {
    static final String DETAILS = "{\"health\":{\"maintenance_needed\":false},\"alert_config\":{\"x\":1},"
            + "\"partition_info\":{\"total_size\":536870912,\"volatile_only_size\":0},\"firmware\":{\"num_slots\":2}}";

    ObjectNode details() {
        try {
            return (ObjectNode) Json.mapper().readTree(DETAILS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void objectsGoWhereNdctlPutsThemAndMappingsAreLeftAlone() throws Exception {
        JsonNode listing = Json.mapper().readTree("[{\"memdev\":\"mem0\",\"pmem_size\":1,\"serial\":2,\"host\":\"h\","
                + "\"firmware_version\":\"v\"},{\"region\":\"region0\",\"mappings\":[{\"position\":0,\"memdev\":\"mem0\","
                + "\"decoder\":\"decoder2.0\"}]}]");
        MailboxKeys.add(listing, m -> details(), false);
        assertThat(listing.get(0).toString()).isEqualTo("{\"memdev\":\"mem0\",\"pmem_size\":1,"
                + "\"health\":{\"maintenance_needed\":false},\"alert_config\":{\"x\":1},\"serial\":2,\"host\":\"h\","
                + "\"firmware_version\":\"v\",\"partition_info\":{\"total_size\":536870912,\"volatile_only_size\":0},"
                + "\"firmware\":{\"num_slots\":2}}");
        assertThat(listing.get(1).toString()).doesNotContain("health");
    }

    @Test
    void humanSizesButZeroStaysANumberAsInNdctl() throws Exception {
        JsonNode one = Json.mapper().readTree("{\"memdev\":\"mem0\",\"ram_size\":\"512.00 MiB (536.87 MB)\"}");
        MailboxKeys.add(one, m -> details(), true);
        assertThat(one.get("partition_info").toString())
                .isEqualTo("{\"total_size\":\"512.00 MiB (536.87 MB)\",\"volatile_only_size\":0}");
    }

    @Test
    void nestedMemdevsUnderNamedContainersToo() throws Exception {
        JsonNode listing = Json.mapper().readTree("[{\"anon memdevs\":[{\"memdev\":\"mem1\",\"serial\":1}]}]");
        MailboxKeys.add(listing, m -> m.equals("mem1") ? details() : Json.mapper().createObjectNode(), false);
        assertThat(listing.at("/0/anon memdevs/0/firmware/num_slots").asInt()).isEqualTo(2);
    }
}
