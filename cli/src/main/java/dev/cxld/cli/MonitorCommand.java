package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cxlctl monitor}: cxld's event stream, one JSON object per line. */
@Command(
        name = "monitor",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Print events as they happen, one JSON object per line, until interrupted: topology changes"
                + " (objects added, removed or changed, memdevs and ports enabled or disabled, regions committed or"
                + " reset) and the kernel's CXL trace events (poison, general media, DRAM, memory module, AER ...)"
                + " with their fields. Each event has seq (consecutive; a gap means events were lost), time,"
                + " source, event, kind, name and data. A consumer that falls behind is sent an 'overflow' event"
                + " with the number of events it missed.",
        footer = {"", "Examples:",
            "  cxlctl monitor                                 everything",
            "  cxlctl monitor --source trace                  only kernel trace events, like `cxl monitor`",
            "  cxlctl monitor --count 1 | jq .name            wait for the next change and print its object"})
public final class MonitorCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;

    @Option(names = "--source", paramLabel = "SOURCE", split = ",",
            description = "topology or trace (repeatable, or comma-separated; default: both)")
    List<String> sources;

    @Option(names = "--count", paramLabel = "N", description = "exit after N events")
    Integer count;

    @Override
    public Integer call() throws IOException {
        if (count != null && count < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        ObjectNode args = Json.mapper().createObjectNode();
        if (sources != null) {
            ArrayNode a = args.putArray("sources");
            sources.forEach(a::add);
        }
        PrintWriter out = spec.commandLine().getOut();
        int[] seen = {0};
        Response r = parent.client().stream(Request.MONITOR, args, event -> {
            out.println(event.toString());
            out.flush();
            return count == null || ++seen[0] < count;
        });
        if (!r.ok()) {
            spec.commandLine().getErr().println("cxlctl monitor: " + r.error().message());
            return ExitCodes.of(r.error().code());
        }
        if (count != null && seen[0] < count) {
            spec.commandLine().getErr().println("cxlctl monitor: cxld closed the stream after " + seen[0] + " events");
            return ExitCodes.UNREACHABLE;
        }
        return ExitCodes.OK;
    }
}
