package dev.cxld.cli;

import dev.cxld.protocol.Numbers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Request;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** create-region, destroy-region, enable-region, disable-region: region lifecycle through cxld. */
final class RegionCommands {
    private RegionCommands() {}

    @Command(name = "create-region", mixinStandardHelpOptions = true,
            description = "Create, commit and enable a region over MEMDEVs (one target each, in the order given), by"
                    + " the sysfs writes of ndctl's create-region. Operations under one root decoder are serialized;"
                    + " a step that fails undoes the ones before it and the error names the attribute and errno."
                    + " Needs root or cxld's admin group. Prints the region as JSON.",
            footer = {"", "Examples:", "  cxlctl create-region -t ram mem2                  single target, all free capacity",
                "  cxlctl create-region -d decoder0.0 -t ram -w 2 -s 512M mem0 mem1   2-way interleave"})
    static final class Create implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Option(names = {"-d", "--decoder"}, paramLabel = "ROOT_DECODER", description = "root decoder (default: the first that can map the type)")
        String root;

        @Option(names = {"-t", "--type"}, paramLabel = "ram|pmem", required = true, description = "region type")
        String type;

        @Option(names = {"-w", "--ways"}, paramLabel = "N", description = "interleave ways (default: the number of memdevs)")
        Integer ways;

        @Option(names = {"-g", "--granularity"}, paramLabel = "BYTES", description = "interleave granularity (default: the root's, or 256)")
        Integer granularity;

        @Option(names = {"-s", "--size"}, paramLabel = "SIZE", description = "region size, e.g. 512M or 1G (default: the free capacity all memdevs share)")
        String size;

        @Parameters(paramLabel = "MEMDEV", arity = "1..*", description = "target memdevs, by position")
        List<String> memdevs;

        @Override
        public Integer call() throws IOException {
            ObjectNode args = Json.mapper().createObjectNode().put("type", type);
            if (root != null) {
                args.put("root", root);
            }
            if (ways != null) {
                args.put("ways", ways);
            }
            if (granularity != null) {
                args.put("granularity", granularity);
            }
            if (size != null) {
                args.put("size", parseSize(spec, size));
            }
            ArrayNode m = args.putArray("memdevs");
            memdevs.forEach(m::add);
            return AttachRegionCommand.print(spec, Request.CREATE_REGION, parent.client().call(Request.CREATE_REGION, args), false);
        }
    }

    static long parseSize(CommandSpec spec, String s) {
        String t = s.strip().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G") || t.endsWith("T")) {
            unit = 1L << (10 * ("KMGT".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.multiplyExact(Numbers.typed(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "size '" + s + "' is not a size like 512M, 1G or 0x20000000");
        }
    }

    abstract static class OnRegion implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Parameters(paramLabel = "REGION", description = "the region (region0)")
        String region;

        ObjectNode args() {
            return Json.mapper().createObjectNode().put("region", region);
        }

        Integer send(String op, ObjectNode args) throws IOException {
            return AttachRegionCommand.print(spec, op, parent.client().call(op, args), false);
        }
    }

    @Command(name = "destroy-region", mixinStandardHelpOptions = true,
            description = "Tear a region down as ndctl's destroy-region does: decommit, detach its targets, free their"
                    + " DPA (highest decoder first), delete it. An enabled region needs -f. Refused (LOCKED) while it"
                    + " is handed off, or when the kernel locked it. Needs root or cxld's admin group.")
    static final class Destroy extends OnRegion {
        @Option(names = {"-f", "--force"}, description = "disable the region first if it is enabled")
        boolean force;

        @Override
        public Integer call() throws IOException {
            return send(Request.DESTROY_REGION, args().put("force", force));
        }
    }

    @Command(name = "enable-region", mixinStandardHelpOptions = true,
            description = "Bind the cxl_region driver to a committed region. Needs root or cxld's admin group.")
    static final class Enable extends OnRegion {
        @Override
        public Integer call() throws IOException {
            return send(Request.ENABLE_REGION, args());
        }
    }

    @Command(name = "disable-region", mixinStandardHelpOptions = true,
            description = "Unbind the cxl_region driver (its dax/pmem devices go away). Refused (LOCKED) while the"
                    + " region is handed off. Needs root or cxld's admin group.")
    static final class Disable extends OnRegion {
        @Override
        public Integer call() throws IOException {
            return send(Request.DISABLE_REGION, args());
        }
    }
}
