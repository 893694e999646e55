package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Request;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** ndctl's {@code cxl wait-sanitize}: wait until memdevs finish a background sanitize. */
@Command(name = "wait-sanitize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Wait until memdevs are no longer sanitizing (ndctl's cxl wait-sanitize): while a memdev's"
                + " security/state reads \"sanitize\", wait until it reads anything else. A memdev not sanitizing, or"
                + " without security support, returns at once. A sanitize is started by writing 1 to"
                + " /sys/bus/cxl/devices/memN/security/sanitize."},
        footer = {"", "Example:", "  cxlctl wait-sanitize -t 60000 mem0"})
final class SanitizeVerb extends MemdevVerb {
    @Option(names = {"-t", "--timeout"}, paramLabel = "MS", description = "milliseconds to wait (default: infinite)")
    Long timeout;

    @Override
    boolean action(String memdev) throws IOException {
        ObjectNode args = Json.mapper().createObjectNode().put("memdev", memdev);
        if (timeout != null && timeout >= 0) {
            args.put("timeout_ms", timeout);
        }
        return request(Request.WAIT_SANITIZE, args, "action_wait_sanitize").ok();
    }

    @Override
    String summary(int count) {
        return "wait sanitize " + (log.exit() == 0 ? "completed" : "failed") + " on "
                + NdctlStyle.plural(count, "mem device");
    }

    @Override
    String function() {
        return "cmd_wait_sanitize";
    }
}
