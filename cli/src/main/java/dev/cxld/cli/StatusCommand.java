package dev.cxld.cli;

import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cxlctl status}: one JSON document about cxld and the machine, for orchestration. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Print cxld's status as one JSON object: daemon version, protocol, pid, start time and"
                + " uptime; kernel release; sysfs root; time of the last topology refresh; counts of buses,"
                + " ports, endpoints, decoders, memdevs and regions; ram and pmem capacity (total, given to"
                + " regions, free); objects whose sysfs attributes could not be read (degraded), with the"
                + " reasons; region creates a stopped cxld left under way, and what became of them. The keys are stable"
                + " and documented in protocol/README.md.",
        footer = {"", "Example:", "  cxlctl status | jq .capacity.ram.free_bytes"})
public final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;

    @picocli.CommandLine.Option(names = "--table", description = "print a summary for people at a terminal instead"
            + " of the JSON: the daemon, counts, capacity, handoffs and their holders, accelerators, region creates"
            + " a stopped cxld left under way, what is degraded")
    boolean table;

    @Override
    public Integer call() throws IOException {
        if (table) {
            Response j = parent.client().call(Request.STATUS, null);
            if (!j.ok()) {
                spec.commandLine().getErr().println("cxlctl status: " + j.error().message());
                return ExitCodes.of(j.error().code());
            }
            summary(j.result(), spec.commandLine().getOut());
            return ExitCodes.OK;
        }
        Response r = parent.client().callText(Request.STATUS, null);
        if (!r.ok()) {
            spec.commandLine().getErr().println("cxlctl status: " + r.error().message());
            return ExitCodes.of(r.error().code());
        }
        spec.commandLine().getOut().print(DaemonClient.printed(r));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** {@code status --table}: one aligned line per fact. */
    static void summary(com.fasterxml.jackson.databind.JsonNode s, java.io.PrintWriter out) {
        java.util.List<String[]> rows = new java.util.ArrayList<>();
        com.fasterxml.jackson.databind.JsonNode d = s.path("daemon");
        rows.add(new String[] {"cxld", d.path("version").asText() + ", pid " + d.path("pid").asText() + ", up "
                + d.path("uptime_seconds").asLong() + " s" + (d.path("service").path("socket_activated").asBoolean()
                ? ", socket-activated" : "")});
        rows.add(new String[] {"kernel", s.path("kernel_release").asText() + " (" + s.path("sysfs_root").asText() + ")"});
        rows.add(new String[] {"refresh", s.path("refresh").path("mode").asText() + ", uevents: "
                + s.path("refresh").path("uevent_listener").asText()});
        com.fasterxml.jackson.databind.JsonNode c = s.path("counts");
        rows.add(new String[] {"memdevs", c.path("memdevs").asLong() + " (" + c.path("memdevs_enabled").asLong() + " enabled)"});
        rows.add(new String[] {"regions", c.path("regions").asLong() + " (" + c.path("regions_committed").asLong()
                + " committed)"});
        rows.add(new String[] {"topology", c.path("buses").asLong() + " buses, " + c.path("ports").asLong() + " ports, "
                + c.path("endpoints").asLong() + " endpoints, " + c.path("decoders").asLong() + " decoders"});
        for (String type : new String[] {"ram", "pmem"}) {
            com.fasterxml.jackson.databind.JsonNode cap = s.path("capacity").path(type);
            rows.add(new String[] {type + " capacity", Tables.bytes(cap.path("total_bytes").asLong()) + " total, "
                    + Tables.bytes(cap.path("in_regions_bytes").asLong()) + " in regions, "
                    + Tables.bytes(cap.path("free_bytes").asLong()) + " free"});
        }
        com.fasterxml.jackson.databind.JsonNode h = s.path("handoffs");
        rows.add(new String[] {"handoffs", h.path("active").size() + " active, " + h.path("revoked").size() + " revoked"});
        for (com.fasterxml.jackson.databind.JsonNode a : h.path("active")) {
            rows.add(new String[] {"  " + a.path("region").asText(), "of " + a.path("memdev").asText() + ", held by "
                    + holder(a.path("holder"))});
        }
        for (com.fasterxml.jackson.databind.JsonNode a : s.path("accelerators")) {
            for (com.fasterxml.jackson.databind.JsonNode m : a.path("memdevs")) {
                rows.add(new String[] {"accelerator " + a.path("accelerator").asText(), m.path("memdev").asText() + " "
                        + m.path("state").asText() + (m.has("reason") ? ": " + m.path("reason").asText() : "")});
            }
        }
        for (com.fasterxml.jackson.databind.JsonNode ic : s.path("interrupted_changes")) {
            rows.add(new String[] {"interrupted create", (ic.has("region") ? ic.get("region").asText() + " ("
                    + ic.path("asked").asText() + "): " : "") + ic.path("outcome").asText() + ", "
                    + ic.path("detail").asText()});
        }
        for (com.fasterxml.jackson.databind.JsonNode g : s.path("degraded")) {
            rows.add(new String[] {"degraded", g.path("object").asText() + ": " + String.join("; ",
                    iterable(g.path("reasons")))});
        }
        int w = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        for (String[] r : rows) {
            out.println(r[0] + " ".repeat(w - r[0].length()) + "  " + r[1]);
        }
        out.flush();
    }

    static String holder(com.fasterxml.jackson.databind.JsonNode h) {
        StringBuilder b = new StringBuilder();
        if (h.hasNonNull("owner")) {
            b.append('"').append(h.path("owner").asText()).append("\" ");
        }
        b.append(h.path("user").asText("uid " + h.path("uid").asText())).append(" (uid ").append(h.path("uid").asText())
                .append(", pid ").append(h.path("pid").asText());
        if (h.hasNonNull("comm")) {
            b.append(' ').append(h.path("comm").asText());
        }
        return b.append(')').toString();
    }

    private static java.util.List<String> iterable(com.fasterxml.jackson.databind.JsonNode a) {
        java.util.List<String> out = new java.util.ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }
}
