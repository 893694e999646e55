package dev.cxld.daemon.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Event;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.PortKind;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The events that lead from one snapshot to the next: objects added, removed and changed (with
 * the keys that changed), memdevs and ports enabled or disabled, regions committed or reset.
 * Pure. Additions come parents first (ports, memdevs, decoders, regions), removals children first.
 */
public final class TopologyDiff {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TopologyDiff() {}

    public static List<Event> between(Topology before, Topology after) {
        List<Event> added = new ArrayList<>();
        List<Event> changed = new ArrayList<>();
        List<Event> removed = new ArrayList<>();
        compare(before.ports(), after.ports(), Port::port, TopologyDiff::portKind, added, changed, removed);
        compare(before.memdevs(), after.memdevs(), Memdev::memdev, m -> "memdev", added, changed, removed);
        compare(before.decoders(), after.decoders(), Decoder::decoder, d -> "decoder", added, changed, removed);
        compare(before.regions(), after.regions(), Region::region, r -> "region", added, changed, removed);
        List<Event> out = new ArrayList<>(added);
        out.addAll(changed);
        for (int i = removed.size() - 1; i >= 0; i--) {
            out.add(removed.get(i));
        }
        return out;
    }

    private static String portKind(Port p) {
        return p.kind() == PortKind.ROOT ? "bus" : p.kind() == PortKind.ENDPOINT ? "endpoint" : "port";
    }

    private static <T> void compare(List<T> before, List<T> after, Function<T, String> name, Function<T, String> kind,
            List<Event> added, List<Event> changed, List<Event> removed) {
        // the common case first: the same objects in the same order, most of them the very same
        // instances (a refresh reuses what nobody wrote); only where that stops are names matched
        int same = 0;
        while (same < before.size() && same < after.size()) {
            T was = before.get(same);
            T now = after.get(same);
            if (was != now) {
                if (!name.apply(was).equals(name.apply(now))) {
                    break;
                }
                if (!was.equals(now)) {
                    changes(kind.apply(now), name.apply(now), Json.mapper().valueToTree(was),
                            Json.mapper().valueToTree(now), changed);
                }
            }
            same++;
        }
        Map<String, T> old = new LinkedHashMap<>();
        before.subList(same, before.size()).forEach(o -> old.put(name.apply(o), o));
        for (T now : after.subList(same, after.size())) {
            T was = old.remove(name.apply(now));
            if (was == null) {
                added.add(event("added", kind.apply(now), name.apply(now), null));
                if (now instanceof Region r && Boolean.TRUE.equals(r.committed())) {
                    // first seen committed (made and committed between two snapshots, or by
                    // firmware): announced as committed all the same, after every addition
                    changed.add(committed(r.region(), Json.mapper().valueToTree(r)));
                }
            } else if (was != now && !was.equals(now)) {
                changes(kind.apply(now), name.apply(now), Json.mapper().valueToTree(was),
                        Json.mapper().valueToTree(now), changed);
            }
        }
        // removals in list order; between() reverses the whole list, so children go first
        old.values().forEach(o -> removed.add(event("removed", kind.apply(o), name.apply(o), null)));
    }

    private static void changes(String kind, String name, JsonNode was, JsonNode now, List<Event> out) {
        ArrayNode keys = F.arrayNode();
        for (Iterator<String> it = now.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!now.get(field).equals(was.get(field))) {
                keys.add(snake(field));
            }
        }
        if (!was.path("enabled").equals(now.path("enabled"))) {
            out.add(event(now.path("enabled").asBoolean() ? "enabled" : "disabled", kind, name, null));
        }
        if (kind.equals("region") && !was.path("committed").equals(now.path("committed"))) {
            out.add(now.path("committed").asBoolean() ? committed(name, now) : rangeEvent("region-reset", name, now));
        }
        ObjectNode data = F.objectNode();
        data.set("changed", keys);
        out.add(event("changed", kind, name, data));
    }

    private static Event committed(String region, JsonNode now) {
        return rangeEvent("region-committed", region, now);
    }

    /** A region event whose data is the region's {@code resource} and {@code size}. */
    private static Event rangeEvent(String what, String region, JsonNode now) {
        ObjectNode data = F.objectNode();
        data.set("resource", now.path("resource"));
        data.set("size", now.path("size"));
        return event(what, "region", region, data);
    }

    private static Event event(String what, String kind, String name, JsonNode data) {
        return new Event(0, null, Event.TOPOLOGY, what, kind, name, data);
    }

    /** decodersCommitted → decoders_committed, the spelling of the list output. */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
