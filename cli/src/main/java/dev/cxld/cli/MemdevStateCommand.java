package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * enable-memdev and disable-memdev, as ndctl's {@code cxl} verbs of those names: targets, messages
 * and exit status as {@link MemdevVerb} has them; with {@code --json} (cxlctl's own), the result
 * for each memdev on stdout.
 */
abstract class MemdevStateCommand extends MemdevVerb {
    @Option(names = "--json", description = "print the result of each memdev as a JSON array on stdout (cxlctl's)")
    boolean json;

    private ArrayNode results;

    abstract String op();

    abstract String verb();

    abstract boolean force();

    @Override
    boolean prepare() {
        results = Json.mapper().createArrayNode();
        return true;
    }

    @Override
    boolean action(String memdev) throws IOException {
        ObjectNode args = Json.mapper().createObjectNode().put("memdev", memdev);
        if (force()) {
            args.put("force", true);
        }
        Response r = request(op(), args, op().equals(Request.ENABLE_MEMDEV) ? "action_enable" : "action_disable");
        results.add(r.ok() ? r.result() : Json.mapper().valueToTree(r.error()));
        return r.ok();
    }

    @Override
    void finish() {
        if (json) {
            spec.commandLine().getOut().print(JsonText.pretty(results));
            spec.commandLine().getOut().flush();
        }
    }

    @Override
    String summary(int count) {
        return verb() + " " + NdctlStyle.plural(count, "mem");
    }

    @Override
    String function() {
        return "cmd_" + (op().equals(Request.ENABLE_MEMDEV) ? "enable" : "disable") + "_memdev";
    }

    /** {@code cxlctl enable-memdev}. */
    @Command(name = "enable-memdev", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Enable memdevs (ndctl's cxl enable-memdev): bind the cxl_mem driver, which brings up their"
                    + " endpoint ports and decoders. An enabled memdev is left as it is. Needs root or cxld's admin group.",
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
    @Command(name = "disable-memdev", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Disable memdevs (ndctl's cxl disable-memdev): unbind the cxl_mem driver, which removes their"
                    + " endpoint ports and decoders. A memdev that decodes a committed region is refused unless forced,"
                    + " since disabling it tears the region down; one that guards a handoff is refused even then."
                    + " Needs root or cxld's admin group.",
            footer = {"", "Example:", "  cxlctl disable-memdev mem2"})
    static final class Disable extends MemdevStateCommand {
        @Option(names = {"-f", "--force"}, description = "DANGEROUS: disable even a memdev that decodes a committed region")
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
