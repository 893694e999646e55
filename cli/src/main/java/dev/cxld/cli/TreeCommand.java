package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cxlctl tree}: the whole topology as a tree, as lspci -tv and lsblk show theirs. */
@Command(
        name = "tree",
        mixinStandardHelpOptions = true,
        description = "Show the CXL topology as a tree: each root (bus), its host bridges and switches, their"
                + " endpoints with the memdev behind each (capacity, serial, PCI address, health when the device"
                + " answers), and the regions of each root with their state and the memdevs they map; a handoff is"
                + " marked on its region and memdev with its holder. What to look at first when debugging a host;"
                + " scripts read cxlctl list and cxlctl status instead.",
        footer = {"", "Example:", "  cxlctl tree", "  cxlctl tree --no-health   without asking the devices"})
public final class TreeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;

    @Option(names = "--no-health", description = "do not ask each memdev for its health (a mailbox command)")
    boolean noHealth;

    @Option(names = "--ascii", description = "draw with ASCII only (the default when the terminal's charset is not UTF-8)")
    boolean ascii;

    @Override
    public Integer call() throws IOException {
        DaemonClient c = parent.client();
        ObjectNode args = Json.mapper().createObjectNode();
        for (String k : new String[] {"buses", "ports", "endpoints", "memdevs", "regions", "targets", "idle"}) {
            args.put(k, true);
        }
        Response list = null;
        if (!noHealth) {
            ObjectNode withHealth = args.deepCopy();
            withHealth.put("health", true);
            list = c.call(Request.LIST, withHealth);
        }
        if (list == null || !list.ok()) {
            list = c.call(Request.LIST, args);
        }
        if (!list.ok()) {
            spec.commandLine().getErr().println("cxlctl tree: " + list.error().message());
            return ExitCodes.of(list.error().code());
        }
        Response status = c.call(Request.STATUS, null);
        if (!status.ok()) {
            spec.commandLine().getErr().println("cxlctl tree: " + status.error().message());
            return ExitCodes.of(status.error().code());
        }
        boolean utf8 = !ascii && java.nio.charset.Charset.defaultCharset().name().equalsIgnoreCase("UTF-8");
        new Drawing(handoffs(status.result()), utf8, spec.commandLine().getOut()).draw(list.result());
        return ExitCodes.OK;
    }

    /** Region and memdev names to "handed off to HOLDER". */
    static Map<String, String> handoffs(JsonNode status) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode h : status.path("handoffs").path("active")) {
            String mark = "handed off to " + StatusCommand.holder(h.path("holder"));
            out.put(h.path("region").asText(), mark);
            out.put(h.path("memdev").asText(), mark + " (" + h.path("region").asText() + ")");
        }
        return out;
    }

    /** Draws a listing ({@code cxl list -BPEMRT}'s nesting) as a tree. */
    static final class Drawing {
        private final Map<String, String> handoffs;
        private final String tee;
        private final String last;
        private final String bar;
        private final String mark;
        private final PrintWriter out;

        Drawing(Map<String, String> handoffs, boolean utf8, PrintWriter out) {
            this.handoffs = handoffs;
            this.tee = utf8 ? "├── " : "|-- ";
            this.last = utf8 ? "└── " : "`-- ";
            this.bar = utf8 ? "│   " : "|   ";
            this.mark = utf8 ? "◆ " : "* ";
            this.out = out;
        }

        void draw(JsonNode listing) {
            List<JsonNode> top = new ArrayList<>();
            if (listing.isArray()) {
                listing.forEach(top::add);
            } else if (listing.isObject()) {
                top.add(listing);
            }
            if (top.isEmpty()) {
                out.println("no CXL objects (is the cxl_acpi driver loaded? ls /sys/bus/cxl/devices)");
            }
            for (JsonNode n : top) {
                if (n.has("bus")) {
                    out.println(label(n));
                    children(n, "");
                } else {
                    // memdevs without an endpoint ("anon memdevs"): not attached to the topology
                    n.properties().forEach(f -> {
                        if (f.getValue().isArray()) {
                            out.println(f.getKey() + " (not under any port: disabled or not yet probed)");
                            List<JsonNode> kids = new ArrayList<>();
                            f.getValue().forEach(kids::add);
                            for (int i = 0; i < kids.size(); i++) {
                                line("", i == kids.size() - 1, kids.get(i));
                            }
                        }
                    });
                }
            }
            out.flush();
        }

        private void children(JsonNode n, String indent) {
            List<JsonNode> kids = new ArrayList<>();
            n.properties().forEach(f -> {
                String k = f.getKey();
                if (f.getValue().isArray() && (k.startsWith("ports:") || k.startsWith("endpoints:")
                        || k.startsWith("regions:"))) {
                    f.getValue().forEach(kids::add);
                }
            });
            for (int i = 0; i < kids.size(); i++) {
                JsonNode k = kids.get(i);
                boolean end = i == kids.size() - 1;
                line(indent, end, k);
                children(k, indent + (end ? "    " : bar));
            }
        }

        private void line(String indent, boolean end, JsonNode n) {
            out.println(indent + (end ? last : tee) + label(n));
        }

        String label(JsonNode n) {
            if (n.has("bus")) {
                return n.path("bus").asText() + "  " + n.path("provider").asText("");
            }
            if (n.has("endpoint")) {
                JsonNode m = n.path("memdev");
                return n.path("endpoint").asText() + "  " + (m.isObject() ? memdev(m) : "no memdev");
            }
            if (n.has("port")) {
                String what = n.path("depth").asInt() <= 1 ? "host bridge" : "switch";
                return n.path("port").asText() + "  " + what + " " + n.path("host").asText("")
                        + (n.has("nr_dports") ? ", " + n.path("nr_dports").asInt() + " downstream ports" : "");
            }
            if (n.has("region")) {
                return region(n);
            }
            if (n.has("memdev")) {
                return memdev(n);
            }
            return n.toString();
        }

        private String memdev(JsonNode m) {
            StringBuilder b = new StringBuilder(m.path("memdev").asText());
            List<String> parts = new ArrayList<>();
            if (m.path("ram_size").asLong() > 0) {
                parts.add(Tables.bytes(m.path("ram_size").asLong()) + " ram");
            }
            if (m.path("pmem_size").asLong() > 0) {
                parts.add(Tables.bytes(m.path("pmem_size").asLong()) + " pmem");
            }
            if (m.has("serial")) {
                parts.add("serial 0x" + Long.toHexString(m.path("serial").asLong()));
            }
            if (m.has("host")) {
                parts.add(m.path("host").asText());
            }
            if (m.has("state")) {
                parts.add(m.path("state").asText());
            }
            if (m.has("health")) {
                parts.add("health " + health(m.path("health")));
            }
            b.append("  ").append(String.join(", ", parts));
            String h = handoffs.get(m.path("memdev").asText());
            if (h != null) {
                b.append("  ").append(mark).append(h);
            }
            return b.toString();
        }

        private static String health(JsonNode h) {
            List<String> bad = new ArrayList<>();
            for (String f : new String[] {"maintenance_needed", "performance_degraded", "hw_replacement_needed"}) {
                if (h.path(f).asBoolean()) {
                    bad.add(f.replace('_', ' '));
                }
            }
            if (h.has("life_used_percent")) {
                bad.add(h.path("life_used_percent").asInt() + "% life used");
            }
            if (h.has("temperature")) {
                bad.add(h.path("temperature").asInt() + " C");
            }
            boolean alarm = h.path("maintenance_needed").asBoolean() || h.path("performance_degraded").asBoolean()
                    || h.path("hw_replacement_needed").asBoolean();
            return (alarm ? "ATTENTION: " : "ok") + (bad.isEmpty() ? "" : (alarm ? "" : " (") + String.join(", ", bad)
                    + (alarm ? "" : ")"));
        }

        private String region(JsonNode r) {
            StringBuilder b = new StringBuilder(r.path("region").asText());
            List<String> parts = new ArrayList<>();
            parts.add(r.path("type").asText("?"));
            if (r.has("size")) {
                parts.add(Tables.bytes(r.path("size").asLong()));
            }
            if (r.has("resource")) {
                parts.add("at 0x" + Long.toHexString(r.path("resource").asLong()));
            }
            if (r.has("interleave_ways")) {
                parts.add(r.path("interleave_ways").asInt() + "-way");
            }
            parts.add(r.has("decode_state") ? r.path("decode_state").asText()
                    : r.has("state") ? r.path("state").asText() : "");
            List<String> memdevs = new ArrayList<>();
            for (JsonNode m : r.path("mappings")) {
                memdevs.add(m.path("memdev").asText());
            }
            b.append("  ").append(String.join(", ", parts.stream().filter(s -> !s.isEmpty()).toList()));
            if (!memdevs.isEmpty()) {
                b.append(": ").append(String.join(" ", memdevs));
            }
            String h = handoffs.get(r.path("region").asText());
            if (h != null) {
                b.append("  ").append(mark).append(h);
            }
            return b.toString();
        }
    }
}
