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

    @Option(names = "--format", paramLabel = "cxlctl|ndctl", defaultValue = "cxlctl",
            description = "cxlctl (default): every event as above; ndctl: only the kernel's trace events, one per"
                    + " line as `cxl monitor` prints them ({\"system\":\"cxl\",\"event\":...,\"timestamp\":NS, then the"
                    + " fields), the fields as the kernel formats them (handle, \"log\":\"Fatal\"), not ndctl's raw"
                    + " record (hdr_handle, \"log\":3)")
    String format;

    @Option(names = {"-l", "--log"}, paramLabel = "FILE|standard",
            description = "where to write the events: a file (appended to), or standard (stdout; the default, but"
                    + " /var/log/cxl-monitor.log with --daemon), as `cxl monitor -l`")
    String log;

    @Option(names = "--daemon", description = "run in the background, detached from the terminal, as `cxl monitor --daemon`")
    boolean daemon;

    @Option(names = {"-u", "--human"}, description = "pretty-print each event over several lines")
    boolean human;

    @Option(names = {"-v", "--verbose"}, description = "accepted for `cxl monitor`'s command line")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        if (count != null && count < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        boolean ndctl;
        switch (format) {
            case "cxlctl":
                ndctl = false;
                break;
            case "ndctl":
                ndctl = true;
                break;
            default:
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format is cxlctl or ndctl, not " + format);
        }
        String dest = log != null ? log : daemon ? "/var/log/cxl-monitor.log" : "standard";
        if (daemon) {
            if (dest.equals("standard") || !java.nio.file.Path.of(dest).isAbsolute()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--daemon needs --log with an absolute file name (standard and relative paths do not work)");
            }
            return detach(dest);
        }
        ObjectNode args = Json.mapper().createObjectNode();
        List<String> from = ndctl ? List.of("trace") : sources;
        if (from != null) {
            ArrayNode a = args.putArray("sources");
            from.forEach(a::add);
        }
        PrintWriter out = dest.equals("standard") ? spec.commandLine().getOut()
                : new PrintWriter(java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(dest),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND));
        int[] seen = {0};
        Response r = parent.client().stream(Request.MONITOR, args, event -> {
            com.fasterxml.jackson.databind.JsonNode shown = ndctl ? ndctlEvent(event) : event;
            if (shown == null) {
                return true;
            }
            out.println(human ? dev.cxld.protocol.JsonText.pretty(shown).stripTrailing() : shown.toString());
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

    /**
     * A trace event as ndctl's {@code cxl monitor} prints it (util/event_trace.c): system, event,
     * timestamp in nanoseconds, then the tracepoint's fields; null for events of other sources.
     */
    static ObjectNode ndctlEvent(com.fasterxml.jackson.databind.JsonNode event) {
        if (!"trace".equals(event.path("source").asText())) {
            return null;
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("system", "cxl");
        o.put("event", event.path("event").asText());
        String ts = event.path("data").path("timestamp").asText("0");
        java.math.BigDecimal seconds = new java.math.BigDecimal(ts.isEmpty() ? "0" : ts);
        o.put("timestamp", seconds.movePointRight(9).longValue());
        com.fasterxml.jackson.databind.JsonNode fields = event.path("data").path("fields");
        if (fields.isObject()) {
            o.setAll((ObjectNode) fields);
        }
        return o;
    }

    /**
     * The detached child's arguments: this JVM's {@code arguments} without --daemon, with
     * --log={@code defaultLog} added when the command line named no file (null: it did).
     */
    static java.util.List<String> childArguments(java.util.List<String> arguments, String defaultLog) {
        java.util.List<String> argv = new java.util.ArrayList<>(arguments);
        argv.removeIf(a -> a.equals("--daemon"));
        if (defaultLog != null) {
            argv.add("--log=" + defaultLog);
        }
        return argv;
    }

    /** --daemon: the same monitor as a detached child writing to {@code dest}; this process ends. */
    private int detach(String dest) throws IOException {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        if (new java.io.File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid"); // its own session: the terminal's hangup does not reach it
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        cmd.add(info.command().orElse("java"));
        cmd.addAll(childArguments(java.util.Arrays.asList(info.arguments().orElse(new String[0])), log == null ? dest : null));
        java.io.File devNull = new java.io.File("/dev/null");
        Process p = new ProcessBuilder(cmd).redirectInput(devNull)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File(dest)))
                .redirectError(ProcessBuilder.Redirect.appendTo(new java.io.File(dest))).start();
        spec.commandLine().getErr().println("cxlctl monitor: running in the background as pid " + p.pid() + ", logging to " + dest);
        return ExitCodes.OK;
    }
}
