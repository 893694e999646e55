package dev.cxld.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Version 1 of the wire format, pinned: what the records write is exactly the golden text, and
 * the golden text reads back into the same records. Orchestration code is written against these
 * lines; a change here is a protocol change (bump Response.PROTOCOL_VERSION and protocol/README.md).
 */
class GoldenFilesTest {
    static String golden(String name) throws IOException {
        try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    @Test
    void hello() throws IOException {
        Request req = new Request(IntNode.valueOf(1), Request.HELLO, null);
        assertThat(Json.mapper().writeValueAsString(req)).isEqualTo(golden("hello-request.json"));
        assertThat(Json.mapper().readValue(golden("hello-request.json"), Request.class)).isEqualTo(req);
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("daemon", "cxld");
        result.put("version", "0.1.0-SNAPSHOT");
        result.put("protocol", Response.PROTOCOL_VERSION);
        Response resp = Response.success(IntNode.valueOf(1), result);
        assertThat(Json.mapper().writeValueAsString(resp)).isEqualTo(golden("hello-response.json"));
        assertThat(Json.mapper().readValue(golden("hello-response.json"), Response.class)).isEqualTo(resp);
    }

    @Test
    void listRequestCarriesEveryArgument() throws IOException {
        ListParams p = new ListParams(true, false, false, false, false, true, true, false, true, false, 2,
                "mem0,mem1", "0x100", "root0", "switch", "endpoint2", "0.0", "region1");
        Request req = new Request(TextNode.valueOf("a-7"), Request.LIST, Json.mapper().valueToTree(p));
        assertThat(Json.mapper().writeValueAsString(req)).isEqualTo(golden("list-request.json"));
        Request back = Json.mapper().readValue(golden("list-request.json"), Request.class);
        assertThat(Json.mapper().treeToValue(back.args(), ListParams.class)).isEqualTo(p);
    }

    @Test
    void aResultAskedForAsText() throws IOException {
        ListParams p = new ListParams(true, false, false, false, false, false, false, false, false, false, 0,
                null, null, null, null, null, null, null);
        Request req = new Request(IntNode.valueOf(1), Request.LIST, Json.mapper().valueToTree(p), Request.Format.TEXT);
        assertThat(Json.mapper().writeValueAsString(req)).isEqualTo(golden("list-text-request.json"));
        assertThat(Json.mapper().readValue(golden("list-text-request.json"), Request.class)).isEqualTo(req);
        Response resp = Response.text(IntNode.valueOf(1), "[\n  {\n    \"memdev\":\"mem0\"\n  }\n]\n");
        assertThat(Json.mapper().writeValueAsString(resp)).isEqualTo(golden("text-response.json"));
        assertThat(Json.mapper().readValue(golden("text-response.json"), Response.class)).isEqualTo(resp);
    }

    @Test
    void errorResponse() throws IOException {
        Response resp = Response.failure(IntNode.valueOf(3), ErrorCode.UNKNOWN_OPERATION,
                "unknown operation \"frobnicate\"; this cxld knows: hello, list, status");
        assertThat(Json.mapper().writeValueAsString(resp)).isEqualTo(golden("error-response.json"));
        assertThat(Json.mapper().readValue(golden("error-response.json"), Response.class)).isEqualTo(resp);
    }

    @Test
    void kernelErrorsCarryErrnoAndPath() throws IOException {
        Response resp = Response.failure(IntNode.valueOf(5), ErrorBody.kernel(
                "enable mem0: the kernel refused: write 'mem0' to /sys/bus/cxl/drivers/cxl_mem/bind: No such device (ENODEV)",
                19, "ENODEV", "/sys/bus/cxl/drivers/cxl_mem/bind"));
        assertThat(Json.mapper().writeValueAsString(resp)).isEqualTo(golden("kernel-error-response.json"));
        assertThat(Json.mapper().readValue(golden("kernel-error-response.json"), Response.class)).isEqualTo(resp);
    }

    @Test
    void deviceErrorsCarryTheCommandAndTheMailboxReturnCode() throws IOException {
        Response resp = Response.failure(IntNode.valueOf(9), ErrorBody.device(
                "mem0: Get Log failed on the device: Invalid Log (mailbox return code 0x17)", "GET_LOG", 0x17, "Invalid Log"));
        assertThat(Json.mapper().writeValueAsString(resp)).isEqualTo(golden("device-error-response.json"));
        assertThat(Json.mapper().readValue(golden("device-error-response.json"), Response.class)).isEqualTo(resp);
    }

    @Test
    void monitorRequestAndEventLines() throws IOException {
        ObjectNode args = Json.mapper().createObjectNode();
        args.putArray("sources").add(Event.TOPOLOGY).add(Event.TRACE);
        Request req = new Request(TextNode.valueOf("m"), Request.MONITOR, args);
        assertThat(Json.mapper().writeValueAsString(req)).isEqualTo(golden("monitor-request.json"));

        ObjectNode data = Json.mapper().createObjectNode().put("resource", 19595788288L).put("size", 268435456L);
        Event e = new Event(7, "2026-11-24T14:08:13.176252146Z", Event.TOPOLOGY, "region-committed", "region", "region0", data);
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("id", "m");
        line.set("event", Json.mapper().valueToTree(e));
        assertThat(Json.mapper().writeValueAsString(line)).isEqualTo(golden("monitor-event.json"));
        Event back = Json.mapper().treeToValue(Json.mapper().readTree(golden("monitor-event.json")).get("event"), Event.class);
        // (numbers read back as the narrowest node type, so compare the wire text)
        assertThat(Json.mapper().writeValueAsString(back)).isEqualTo(Json.mapper().writeValueAsString(e));

        // a trace event as cxld sent it in a guest: no kind; name is the memdev
        Event trace = Json.mapper().readValue(golden("trace-event.json"), Event.class);
        assertThat(trace.kind()).isNull();
        assertThat(trace.data().get("fields").get("dpa").asText()).isEqualTo("0x1000");
        assertThat(Json.mapper().writeValueAsString(trace)).isEqualTo(golden("trace-event.json"));
    }

    @Test
    void unknownFieldsAreIgnoredAndAbsentArgumentsAreDefaults() throws IOException {
        ListParams p = Json.mapper().readValue("{\"memdevs\":true,\"future\":{\"x\":1}}", ListParams.class);
        assertThat(p).isEqualTo(new ListParams(true, false, false, false, false, false, false, false, false, false, 0,
                null, null, null, null, null, null, null));
    }
}
