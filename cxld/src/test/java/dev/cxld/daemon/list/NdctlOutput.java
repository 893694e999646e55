package dev.cxld.daemon.list;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Puts cxld's and ndctl's listings in a form where they can be compared as values. */
public final class NdctlOutput {
    /**
     * Keys cxld prints (as ndctl v85 does) that the ndctl in the guests (76.1) does not print yet,
     * and cxld's own {@code errors}.
     */
    public static final Set<String> NEWER_THAN_76 =
            Set.of("parent_dport", "decoders_committed", "firmware_version", "type", "qos_class", "locked", "errors");

    private NdctlOutput() {}

    /** A copy without the given keys, at any depth. */
    public static JsonNode without(JsonNode node, Set<String> keys) {
        if (node.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> {
                if (!keys.contains(e.getKey())) {
                    o.set(e.getKey(), without(e.getValue(), keys));
                }
            });
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            node.forEach(c -> a.add(without(c, keys)));
            return a;
        }
        return node;
    }

    /**
     * Arrays sorted by content: ndctl orders ports, endpoints, dports and targets by sysfs readdir
     * (kernfs hash order, reversed), cxld by id; the order carries no meaning.
     */
    public static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> o.set(e.getKey(), sorted(e.getValue())));
            return o;
        }
        if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            node.forEach(c -> items.add(sorted(c)));
            items.sort(Comparator.comparing(JsonNode::toString));
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            items.forEach(a::add);
            return a;
        }
        return node;
    }

    public static JsonNode parse(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
