package dev.cxld.daemon.list;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Adds to a listing what cxl list reads from outside the topology, where ndctl puts it:
 * {@code poison_injectable} in each memdev (before {@code partition_info}, {@code firmware} and
 * {@code media_errors}), and with {@code -L} {@code media_errors} at the end of each memdev and
 * before {@code mappings} of each region (left out when there are none, as ndctl does). Pure: the
 * values come from the caller; a function answering null adds nothing.
 */
public final class DeviceKeys {
    private static final Set<String> AFTER_INJECTABLE = Set.of("partition_info", "firmware", "media_errors", "errors");
    private static final Set<String> AFTER_REGION_ERRORS = Set.of("mappings", "daxregion", "errors");

    private DeviceKeys() {}

    /**
     * Rewrites {@code listing} in place: {@code injectable} gives a memdev's poison_injectable (null:
     * none), {@code memdevErrors} and {@code regionErrors} their media_errors (null: not asked).
     */
    public static void add(JsonNode listing, Function<String, Boolean> injectable,
            Function<String, ArrayNode> memdevErrors, Function<String, ArrayNode> regionErrors) {
        if (listing instanceof ArrayNode a) {
            for (JsonNode n : a) {
                visit(n, injectable, memdevErrors, regionErrors);
            }
        } else {
            visit(listing, injectable, memdevErrors, regionErrors);
        }
    }

    private static void visit(JsonNode n, Function<String, Boolean> injectable, Function<String, ArrayNode> memdevErrors,
            Function<String, ArrayNode> regionErrors) {
        if (!(n instanceof ObjectNode o)) {
            if (n instanceof ArrayNode) {
                add(n, injectable, memdevErrors, regionErrors);
            }
            return;
        }
        if (o.path("memdev").isTextual() && !o.has("position") && !o.has("decoder") && !o.has("endpoint")) {
            Boolean inj = injectable.apply(o.get("memdev").asText());
            if (inj != null) {
                insertBefore(o, "poison_injectable", o.booleanNode(inj), AFTER_INJECTABLE);
            }
            ArrayNode errors = memdevErrors.apply(o.get("memdev").asText());
            if (errors != null && errors.size() > 0) {
                insertBefore(o, "media_errors", errors, Set.of("errors"));
            }
        } else if (o.path("region").isTextual() && o.has("interleave_ways") && !o.has("decoder")) {
            ArrayNode errors = regionErrors.apply(o.get("region").asText());
            if (errors != null && errors.size() > 0) {
                insertBefore(o, "media_errors", errors, AFTER_REGION_ERRORS);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
            JsonNode v = it.next().getValue();
            if (v.isContainerNode()) {
                visit(v, injectable, memdevErrors, regionErrors);
            }
        }
    }

    /** Adds {@code daxregion} ({@code -X}) to each region object, after its other keys and before mappings. */
    public static void addDax(JsonNode listing, Function<String, ObjectNode> daxRegion) {
        if (listing instanceof ArrayNode a) {
            a.forEach(n -> addDax(n, daxRegion));
        } else if (listing instanceof ObjectNode o) {
            if (o.path("region").isTextual() && o.has("interleave_ways") && !o.has("decoder")) {
                ObjectNode d = daxRegion.apply(o.get("region").asText());
                if (d != null) {
                    insertBefore(o, "daxregion", d, Set.of("mappings", "errors"));
                }
            }
            o.fields().forEachRemaining(e -> {
                if (e.getValue().isContainerNode() && !e.getKey().equals("daxregion")) {
                    addDax(e.getValue(), daxRegion);
                }
            });
        }
    }

    /** Puts {@code key} before the first of {@code later} that {@code o} has, else at its end. */
    static void insertBefore(ObjectNode o, String key, JsonNode value, Set<String> later) {
        ObjectNode copy = o.deepCopy();
        o.removeAll();
        boolean done = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = copy.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!done && later.contains(e.getKey())) {
                o.set(key, value);
                done = true;
            }
            if (!e.getKey().equals(key)) {
                o.set(e.getKey(), e.getValue());
            }
        }
        if (!done) {
            o.set(key, value);
        }
    }
}
