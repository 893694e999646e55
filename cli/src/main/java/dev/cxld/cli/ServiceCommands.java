package dev.cxld.cli;

import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** cxlctl's verbs about cxld as a service: {@code reload} and {@code metrics}. */
final class ServiceCommands {
    private ServiceCommands() {}

    /** {@code cxlctl reload}: cxld reads its configuration again (what {@code systemctl reload cxld} runs). */
    @Command(
            name = "reload",
            mixinStandardHelpOptions = true,
            description = "Make cxld read its configuration again (/etc/cxld/cxld.conf and cxld.conf.d/*.conf) and"
                    + " apply it: accelerators and connection limits at once; options that only a restart changes"
                    + " (the socket, sysfs root, state directory, ...) are listed. A configuration that does not"
                    + " check is refused with its file, line and reason, exit status 2, and the running one stays."
                    + " systemctl reload cxld runs this; root and the admin group only.",
            footer = {"", "Example:", "  cxld --check-config && cxlctl reload"})
    static final class Reload implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Override
        public Integer call() throws IOException {
            Response r = parent.client().call(Request.RELOAD, null);
            if (!r.ok()) {
                spec.commandLine().getErr().println("cxlctl reload: " + r.error().message());
                return ExitCodes.of(r.error().code());
            }
            // one line each (ExecReload's output goes to the journal line by line)
            java.io.PrintWriter out = spec.commandLine().getOut();
            out.println(r.result().path("outcome").asText());
            for (com.fasterxml.jackson.databind.JsonNode n : r.result().path("restart_needed")) {
                out.println("  " + n.asText());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code cxlctl metrics}: cxld's Prometheus metrics. */
    @Command(
            name = "metrics",
            mixinStandardHelpOptions = true,
            description = "Print cxld's metrics in Prometheus' text exposition format (version 0.0.4): capacity by"
                    + " type and state, memdevs by state, regions, handoffs active and revoked, device health,"
                    + " mailbox errors, uevents, refresh latency, requests by operation and code. The same text"
                    + " is written to a node-exporter textfile (metrics-textfile in cxld.conf) or served over HTTP"
                    + " (metrics-listen) when configured.",
            footer = {"", "Example:", "  cxlctl metrics | grep ^cxl_memdevs"})
    static final class Metrics implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Override
        public Integer call() throws IOException {
            Response r = parent.client().callText(Request.METRICS, null);
            if (!r.ok()) {
                spec.commandLine().getErr().println("cxlctl metrics: " + r.error().message());
                return ExitCodes.of(r.error().code());
            }
            spec.commandLine().getOut().print(DaemonClient.printed(r));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
