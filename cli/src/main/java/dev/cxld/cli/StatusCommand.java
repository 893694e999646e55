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
                + " reasons. The keys are stable and documented in protocol/README.md.",
        footer = {"", "Example:", "  cxlctl status | jq .capacity.ram.free_bytes"})
public final class StatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;

    @Override
    public Integer call() throws IOException {
        Response r = parent.client().callText(Request.STATUS, null);
        if (!r.ok()) {
            spec.commandLine().getErr().println("cxlctl status: " + r.error().message());
            return ExitCodes.of(r.error().code());
        }
        spec.commandLine().getOut().print(DaemonClient.printed(r));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
