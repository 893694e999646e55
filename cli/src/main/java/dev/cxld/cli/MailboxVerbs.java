package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.MemdevDetails;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ndctl's {@code cxl set-partition} and {@code set-alert-config}: mailbox commands cxld sends
 * (Set Partition Info, Set Alert Configuration), each memdev then printed as {@code cxl list -I}
 * or {@code -A} prints it.
 */
final class MailboxVerbs {
    private MailboxVerbs() {}

    /** A memdev verb whose output is the memdevs, as cxl list prints them with some mailbox details. */
    abstract static class Printing extends MemdevVerb {
        private ArrayNode out;
        private boolean human;

        abstract MemdevDetails details();

        @Override
        boolean prepare() {
            out = Json.mapper().createArrayNode();
            human = System.console() != null;
            return true;
        }

        /** Adds {@code memdev} as cxl list prints it with {@link #details()}. */
        void print(String memdev) throws IOException {
            ListParams p = RegionCommands.params(true, false, false, false, true, human, memdev, null, null, null);
            ObjectNode args = Json.mapper().valueToTree(p);
            args.setAll((ObjectNode) Json.mapper().valueToTree(details()));
            Response r = parent.client().call(Request.LIST, args);
            if (r.ok() && r.result().isArray() && r.result().size() > 0) {
                out.add(r.result().get(0));
            } else if (r.ok() && r.result().isObject()) {
                out.add(r.result());
            }
        }

        /**
         * Whether {@code r} succeeded; {@code memdev} is printed unless the request was refused before
         * it reached the device (an invalid argument: ndctl's validation failures print no memdev,
         * a command the kernel or device refused prints it as it is).
         */
        boolean printed(String memdev, Response r) throws IOException {
            if (r.ok() || r.error().code() != dev.cxld.protocol.ErrorCode.INVALID_ARGUMENT) {
                print(memdev);
            }
            return r.ok();
        }

        @Override
        void finish() {
            NdctlStyle.printArray(spec.commandLine().getOut(), spec.commandLine().getErr(), out, human);
        }
    }

    @Command(name = "set-partition", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Set the volatile/persistent split of memdevs (ndctl's cxl set-partition): of the capacity"
                    + " that is neither volatile- nor persistent-only, --size goes to --type and the rest to the other."
                    + " The device applies it at its next reset (\"next\" sizes in partition_info). Prints each memdev"
                    + " as cxl list -I does. Needs root or cxld's admin group."},
            footer = {"", "Example:", "  cxlctl set-partition -t pmem -s 1G mem0"})
    static final class SetPartition extends Printing {
        @Option(names = {"-t", "--type"}, paramLabel = "pmem|ram", description = "the partition --size is for (default: pmem)")
        String type;

        @Option(names = {"-s", "--size"}, paramLabel = "SIZE", description = "bytes, with K, M, G, T (default: all available)")
        String size;

        @Option(names = {"-a", "--align"}, description = "round --size to the device's partition alignment")
        boolean align;

        @Override
        MemdevDetails details() {
            return new MemdevDetails(false, true, false, false);
        }

        @Override
        boolean action(String memdev) throws IOException {
            ObjectNode args = Json.mapper().createObjectNode().put("memdev", memdev).put("align", align);
            if (type != null) {
                args.put("type", type);
            }
            if (size != null) {
                args.put("size", RegionCommands.parseSize(spec, size));
            }
            return printed(memdev, request(Request.SET_PARTITION, args, "action_setpartition"));
        }

        @Override
        String summary(int count) {
            return "set_partition " + NdctlStyle.plural(count, "mem");
        }

        @Override
        String function() {
            return "cmd_set_partition";
        }
    }

    @Command(name = "set-alert-config", sortOptions = false,
            description = {"Set the warning thresholds of memdevs (ndctl's cxl set-alert-config, Set Alert"
                    + " Configuration): each alert is turned on with its threshold, or off. Prints each memdev as"
                    + " cxl list -A does. Needs root or cxld's admin group."},
            footer = {"", "Example:", "  cxlctl set-alert-config mem0 -L 30 --life-used-alert=on"})
    static final class SetAlertConfig extends Printing {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = {"-L", "--life-used-threshold"}, paramLabel = "THRESHOLD", description = "life used warning threshold (percent, 0-100)")
        Integer lifeUsed;

        @Option(names = "--life-used-alert", paramLabel = "on|off", description = "enable or disable the life used warning")
        String lifeUsedAlert;

        @Option(names = {"-O", "--over-temperature-threshold"}, paramLabel = "THRESHOLD", description = "device over temperature warning threshold (Celsius)")
        Integer overTemp;

        @Option(names = "--over-temperature-alert", paramLabel = "on|off", description = "enable or disable the over temperature warning")
        String overTempAlert;

        @Option(names = {"-U", "--under-temperature-threshold"}, paramLabel = "THRESHOLD", description = "device under temperature warning threshold (Celsius)")
        Integer underTemp;

        @Option(names = "--under-temperature-alert", paramLabel = "on|off", description = "enable or disable the under temperature warning")
        String underTempAlert;

        @Option(names = {"-V", "--volatile-mem-err-threshold"}, paramLabel = "THRESHOLD", description = "corrected volatile memory error warning threshold")
        Integer volatileErr;

        @Option(names = "--volatile-mem-err-alert", paramLabel = "on|off", description = "enable or disable the corrected volatile memory error warning")
        String volatileErrAlert;

        @Option(names = {"-P", "--pmem-err-threshold"}, paramLabel = "THRESHOLD", description = "corrected persistent memory error warning threshold")
        Integer pmemErr;

        @Option(names = "--pmem-err-alert", paramLabel = "on|off", description = "enable or disable the corrected persistent memory error warning")
        String pmemErrAlert;

        @Override
        MemdevDetails details() {
            return new MemdevDetails(false, false, false, true);
        }

        @Override
        boolean action(String memdev) throws IOException {
            ObjectNode args = Json.mapper().createObjectNode().put("memdev", memdev);
            put(args, "life_used", lifeUsedAlert, lifeUsed);
            put(args, "over_temperature", overTempAlert, overTemp);
            put(args, "under_temperature", underTempAlert, underTemp);
            put(args, "volatile_mem_err", volatileErrAlert, volatileErr);
            put(args, "pmem_err", pmemErrAlert, pmemErr);
            return printed(memdev, request(Request.SET_ALERT_CONFIG, args, "action_set_alert_config"));
        }

        private static void put(ObjectNode args, String name, String alert, Integer threshold) {
            if (alert != null) {
                args.put(name, alert);
            }
            if (threshold != null) {
                args.put(name + "_threshold", threshold);
            }
        }

        @Override
        String summary(int count) {
            return "set alert configuration for " + NdctlStyle.plural(count, "mem");
        }

        @Override
        String function() {
            return "cmd_set_alert_config";
        }
    }
}
