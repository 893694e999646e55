package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cxlctl list --table}: the objects of a listing as one aligned table per kind (buses,
 * ports, endpoints, memdevs, decoders, regions), whatever their nesting; the columns are the
 * scalar keys the objects of that kind have, in the order they first appear, with sizes and
 * addresses in human units. For people at a terminal; scripts read the JSON.
 */
final class Tables {
    static final String[] KINDS = {"bus", "port", "endpoint", "memdev", "decoder", "region"};
    private static final Set<String> BYTES = Set.of("ram_size", "pmem_size", "size", "dpa_size", "total_bytes",
            "in_regions_bytes", "free_bytes", "max_available_extent");
    private static final Set<String> ADDRESSES = Set.of("resource", "dpa_resource");

    private Tables() {}

    /** Prints {@code listing} (an array or one object, as {@code cxl list} prints it) as tables. */
    static void print(JsonNode listing, PrintWriter out) {
        Map<String, List<JsonNode>> byKind = new LinkedHashMap<>();
        for (String k : KINDS) {
            byKind.put(k, new ArrayList<>());
        }
        collect(listing, byKind);
        boolean first = true;
        for (Map.Entry<String, List<JsonNode>> e : byKind.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            if (!first) {
                out.println();
            }
            first = false;
            table(e.getKey(), e.getValue(), out);
        }
        if (first) {
            out.println("(nothing matched)");
        }
        out.flush();
    }

    private static void collect(JsonNode n, Map<String, List<JsonNode>> byKind) {
        if (n.isArray()) {
            n.forEach(c -> collect(c, byKind));
            return;
        }
        if (!n.isObject()) {
            return;
        }
        for (String k : KINDS) {
            if (n.path(k).isTextual()) {
                // an endpoint's "memdev" is an object of its own: listed with the memdevs
                if (!(k.equals("memdev") && (n.has("endpoint") || n.has("position")))) {
                    byKind.get(k).add(n);
                }
                break;
            }
        }
        n.properties().forEach(f -> {
            if (f.getValue().isArray() || (f.getValue().isObject() && f.getKey().equals("memdev"))) {
                collect(f.getValue(), byKind);
            }
        });
    }

    private static void table(String kind, List<JsonNode> rows, PrintWriter out) {
        Set<String> columns = new LinkedHashSet<>();
        columns.add(kind);
        for (JsonNode r : rows) {
            r.properties().forEach(f -> {
                if (f.getValue().isValueNode()) {
                    columns.add(f.getKey());
                }
            });
        }
        List<String> cols = new ArrayList<>(columns);
        List<String[]> cells = new ArrayList<>();
        String[] header = new String[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            header[i] = cols.get(i).toUpperCase(java.util.Locale.ROOT);
        }
        cells.add(header);
        for (JsonNode r : rows) {
            String[] line = new String[cols.size()];
            for (int i = 0; i < cols.size(); i++) {
                line[i] = cell(cols.get(i), r.get(cols.get(i)));
            }
            cells.add(line);
        }
        int[] width = new int[cols.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                b.append(i == 0 ? "" : "  ").append(line[i]);
                if (i < line.length - 1) {
                    b.append(" ".repeat(width[i] - line[i].length()));
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }

    static String cell(String key, JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "-";
        }
        if (v.isNumber() && BYTES.contains(key)) {
            return bytes(v.asLong());
        }
        if (v.isNumber() && (ADDRESSES.contains(key) || key.equals("serial"))) {
            return "0x" + Long.toHexString(v.asLong());
        }
        return v.asText();
    }

    /** 536870912 as "512.00 MiB", as ndctl's -u prints sizes. */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(java.util.Locale.ROOT, "%.2f %s", v, units[u]);
    }
}
