package dev.cxld.cli;

import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListOptions;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cxlctl list}: ndctl's {@code cxl list}, answered by cxld. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "List the CXL topology as JSON, with the options, keys, nesting and formats of ndctl's"
                + " `cxl list`, so scripts written for it read cxlctl's output unchanged. With no option it lists"
                + " regions and memdevs; a filter alone (-m, -d, -p, ...) lists its own kind; -v lists"
                + " everything. What the kernel changed before you asked is in the answer (cxld follows"
                + " uevents and writes to sysfs attributes).",
        footer = {"", "Examples:",
            "  cxlctl list                      regions and memdevs",
            "  cxlctl list -M -m mem0 -u        one memdev, human-readable, as an object",
            "  cxlctl list -R -T                regions with their mappings (position, memdev, decoder)",
            "  cxlctl list -P -p switch,endpoint -m mem0   the ports on mem0's path",
            "  cxlctl list -vv                  everything, disabled objects included",
            "  cxlctl list -M -R --table        memdevs and regions as tables, for a terminal",
            "", "Differences from ndctl: objects are in kernel id order (ndctl follows sysfs directory order);"
                + " max_available_extent also subtracts regions that hold address space without being committed;"
                + " an object whose sysfs attributes could not be read has \"errors\"."})
public final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;
    @Mixin ListOptions options;

    @picocli.CommandLine.Option(names = "--table", description = "print one aligned table per kind of object"
            + " (buses, ports, endpoints, memdevs, decoders, regions) instead of JSON: for people at a terminal;"
            + " sizes in human units")
    boolean table;

    @Override
    public Integer call() throws IOException {
        ListParams params = options.toParams();
        try {
            params.resolve();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        com.fasterxml.jackson.databind.node.ObjectNode args = Json.mapper().valueToTree(params);
        args.setAll((com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().valueToTree(options.details()));
        if (table) {
            Response j = parent.client().call(Request.LIST, args);
            if (!j.ok()) {
                spec.commandLine().getErr().println("cxlctl list: " + j.error().message());
                return ExitCodes.of(j.error().code());
            }
            Tables.print(j.result(), spec.commandLine().getOut());
            return ExitCodes.OK;
        }
        Response r = parent.client().callText(Request.LIST, args);
        if (!r.ok()) {
            spec.commandLine().getErr().println("cxlctl list: " + r.error().message());
            return ExitCodes.of(r.error().code());
        }
        String out = DaemonClient.printed(r);
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
        if (out.equals(QuickCall.EMPTY_LIST)) {
            // byte for byte what ndctl prints, for scripts that match on it
            spec.commandLine().getErr().print(QuickCall.NO_MATCHES);
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.OK;
    }
}
