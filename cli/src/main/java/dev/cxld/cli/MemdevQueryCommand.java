package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The read-only mailbox commands: one memdev, one JSON object of the decoded response. A command
 * the kernel or the device does not support is an answer ("supported": false, with the reason),
 * exit 0, and a note on stderr.
 */
abstract class MemdevQueryCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;

    @Parameters(paramLabel = "MEMDEV", description = "the memdev (mem0)")
    String memdev;

    /** The protocol operation: the command's own name ({@code identify}, {@code fw-info}, ...). */
    String op() {
        return spec.name();
    }

    @Override
    public Integer call() throws IOException {
        Response r = parent.client().call(op(), Json.mapper().createObjectNode().put("memdev", memdev));
        if (!r.ok()) {
            spec.commandLine().getErr().println("cxlctl " + op() + ": " + r.error().message());
            return ExitCodes.of(r.error().code());
        }
        JsonNode result = r.result();
        spec.commandLine().getOut().print(JsonText.pretty(result));
        spec.commandLine().getOut().flush();
        if (result.has("supported") && !result.get("supported").asBoolean()) {
            spec.commandLine().getErr().println("cxlctl " + op() + ": not supported: " + result.path("reason").asText());
        }
        return ExitCodes.OK;
    }

    @Command(name = "identify", mixinStandardHelpOptions = true,
            description = "Identify Memory Device: firmware revision, capacities (bytes), partition alignment, event"
                    + " log sizes, label storage size, poison limits and capabilities.")
    static final class Identify extends MemdevQueryCommand {}

    @Command(name = "health", mixinStandardHelpOptions = true,
            description = "Get Health Info: health and media status, life used, temperature, dirty shutdowns,"
                    + " corrected error counts (the keys of `cxl list -H`).")
    static final class Health extends MemdevQueryCommand {}

    @Command(name = "partition", mixinStandardHelpOptions = true,
            description = "Identify and Get Partition Info: the active and next volatile/persistent split.")
    static final class Partition extends MemdevQueryCommand {}

    @Command(name = "fw-info", mixinStandardHelpOptions = true,
            description = "Get FW Info: slots, active and staged slot, online activation, slot versions.")
    static final class FwInfo extends MemdevQueryCommand {}

    @Command(name = "alert-config", mixinStandardHelpOptions = true,
            description = "Get Alert Configuration: which warning thresholds are valid and writable, and their values.")
    static final class AlertConfig extends MemdevQueryCommand {}

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Get Supported Logs, and the Command Effects Log decoded: every opcode the device"
                    + " implements and its effects.")
    static final class Logs extends MemdevQueryCommand {}

    @Command(name = "timestamp", mixinStandardHelpOptions = true, description = "Get Timestamp: the device's clock.")
    static final class Timestamp extends MemdevQueryCommand {}

    @Command(name = "shutdown-state", mixinStandardHelpOptions = true,
            description = "Get Shutdown State: whether the device recorded a dirty shutdown.")
    static final class ShutdownState extends MemdevQueryCommand {}

    @Command(name = "commands", mixinStandardHelpOptions = true,
            description = "The kernel's mailbox command table for the memdev: each command's id, name, whether"
                    + " it is enabled (the device lists it) or exclusive to the kernel, and its payload sizes.")
    static final class Commands extends MemdevQueryCommand {
        @Override
        String op() {
            return Request.MAILBOX_COMMANDS;
        }
    }

    @Command(name = "poison", mixinStandardHelpOptions = true,
            description = "The memdev's poison list (media_errors: DPA offset, length, source), read the way the"
                    + " kernel supports it: trigger_poison_list and the cxl_poison trace events it emits.")
    static final class Poison extends MemdevQueryCommand {}
}
