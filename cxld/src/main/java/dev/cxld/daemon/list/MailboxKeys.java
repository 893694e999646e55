package dev.cxld.daemon.list;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Adds the mailbox objects of {@code cxl list -H -A -I -F} to every memdev of a listing, where
 * ndctl puts them: {@code health} and {@code alert_config} after the sizes and QoS classes,
 * {@code partition_info} and {@code firmware} at the end. With {@code -u}, the sizes in
 * {@code partition_info} are human-readable, as ndctl prints them. Pure: the details come from
 * the caller.
 */
public final class MailboxKeys {
    private static final Set<String> LEADING = Set.of("memdev", "pmem_size", "pmem_qos_class", "ram_size", "ram_qos_class");

    private MailboxKeys() {}

    /** Rewrites {@code listing} in place; {@code details} gives the objects of one memdev by name. */
    public static void add(JsonNode listing, Function<String, ObjectNode> details, boolean human) {
        if (listing instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode n = a.get(i);
                if (isMemdev(n)) {
                    a.set(i, merged((ObjectNode) n, details.apply(n.get("memdev").asText()), human));
                } else {
                    add(n, details, human);
                }
            }
        } else if (listing instanceof ObjectNode o) {
            if (isMemdev(o)) {
                ObjectNode m = merged(o, details.apply(o.get("memdev").asText()), human);
                o.removeAll();
                o.setAll(m);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (isMemdev(e.getValue())) {
                    e.setValue(merged((ObjectNode) e.getValue(), details.apply(e.getValue().get("memdev").asText()), human));
                } else {
                    add(e.getValue(), details, human);
                }
            }
        }
    }

    /** A memdev object, not a region mapping (which also names a memdev, with a position). */
    private static boolean isMemdev(JsonNode n) {
        return n instanceof ObjectNode && n.has("memdev") && !n.has("position") && !n.has("decoder");
    }

    private static ObjectNode merged(ObjectNode memdev, ObjectNode details, boolean human) {
        ObjectNode out = memdev.objectNode();
        boolean early = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = memdev.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!early && !LEADING.contains(e.getKey())) {
                copy(details, out, "health");
                copy(details, out, "alert_config");
                early = true;
            }
            if (e.getKey().equals("errors")) {
                continue;
            }
            out.set(e.getKey(), e.getValue());
        }
        if (!early) {
            copy(details, out, "health");
            copy(details, out, "alert_config");
        }
        if (details.has("partition_info")) {
            ObjectNode p = details.get("partition_info").deepCopy();
            if (human) {
                // as ndctl: sizes become text, a zero stays the number 0
                p.fields().forEachRemaining(f -> {
                    if (f.getValue().asLong() != 0) {
                        f.setValue(p.textNode(HumanFormat.size(f.getValue().asLong())));
                    }
                });
            }
            out.set("partition_info", p);
        }
        copy(details, out, "firmware");
        if (memdev.has("errors")) {
            out.set("errors", memdev.get("errors"));
        }
        return out;
    }

    private static void copy(ObjectNode from, ObjectNode to, String key) {
        if (from.has(key)) {
            to.set(key, from.get(key));
        }
    }
}
