package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * enable-memdev and disable-memdev: one request per memdev, in order; the summary on stderr as
 * ndctl prints it, the results as JSON with --json. Stops at the first failure.
 */
abstract class MemdevStateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;

    @Parameters(paramLabel = "MEMDEV", arity = "1..*", description = "memdev names (mem0 mem1 ...)")
    List<String> memdevs;

    @Option(names = "--json", description = "print the result of each memdev as a JSON array on stdout")
    boolean json;

    abstract String op();

    abstract String verb();

    abstract boolean force();

    @Override
    public Integer call() throws IOException {
        ArrayNode results = Json.mapper().createArrayNode();
        int changed = 0;
        int status = ExitCodes.OK;
        for (String m : memdevs) {
            ObjectNode args = Json.mapper().createObjectNode().put("memdev", m);
            if (force()) {
                args.put("force", true);
            }
            Response r = parent.client().call(op(), args);
            if (!r.ok()) {
                spec.commandLine().getErr().println("cxlctl " + op() + ": " + r.error().message());
                status = ExitCodes.of(r.error().code());
                if (json) {
                    results.add(Json.mapper().valueToTree(r.error()));
                }
                break;
            }
            JsonNode result = r.result();
            results.add(result);
            changed += result.path("changed").asBoolean() ? 1 : 0;
        }
        if (json) {
            spec.commandLine().getOut().print(JsonText.pretty(results));
            spec.commandLine().getOut().flush();
        }
        spec.commandLine().getErr().println("cxlctl " + op() + ": " + verb() + " " + changed + " mem"
                + (changed == 1 ? "" : "s") + (results.size() - changed > 0 && status == ExitCodes.OK
                        ? " (" + (results.size() - changed) + " already " + verb() + ")" : ""));
        return status;
    }

    /** {@code cxlctl enable-memdev}. */
    @Command(name = "enable-memdev", mixinStandardHelpOptions = true,
            description = "Enable memdevs: bind the cxl_mem driver, which brings up their endpoint ports and"
                    + " decoders. An enabled memdev is left as it is. Needs root or cxld's admin group.",
            footer = {"", "Example:", "  cxlctl enable-memdev mem0 mem1"})
    static final class Enable extends MemdevStateCommand {
        @Override
        String op() {
            return Request.ENABLE_MEMDEV;
        }

        @Override
        String verb() {
            return "enabled";
        }

        @Override
        boolean force() {
            return false;
        }
    }

    /** {@code cxlctl disable-memdev}. */
    @Command(name = "disable-memdev", mixinStandardHelpOptions = true,
            description = "Disable memdevs: unbind the cxl_mem driver, which removes their endpoint ports and"
                    + " decoders. A memdev that decodes a committed region is refused (IN_USE, exit 7) unless"
                    + " forced, since disabling it tears the region down. Needs root or cxld's admin group.",
            footer = {"", "Example:", "  cxlctl disable-memdev mem2"})
    static final class Disable extends MemdevStateCommand {
        @Option(names = {"-f", "--force"}, description = "disable even a memdev that decodes a committed region")
        boolean forced;

        @Override
        String op() {
            return Request.DISABLE_MEMDEV;
        }

        @Override
        String verb() {
            return "disabled";
        }

        @Override
        boolean force() {
            return forced;
        }
    }
}
