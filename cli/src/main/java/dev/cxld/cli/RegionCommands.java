package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * create-region, destroy-region, enable-region, disable-region: ndctl's {@code cxl} verbs of those
 * names (cxl/region.c), with their options, output, messages and exit status, done by cxld. The
 * choices ndctl makes before it writes anything (which memdevs, in which order, type, ways,
 * granularity, size) are made here the same way, from what cxld lists; cxld then does the writes,
 * serialized per root decoder, and undoes them when the kernel refuses one.
 */
final class RegionCommands {
    private RegionCommands() {}

    /** {@link NdctlEngine#size}, or picocli's usage error naming the size. */
    static long parseSize(CommandSpec spec, String s) {
        Long size = NdctlEngine.size(s);
        if (size == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "size '" + s + "' is not a size like 512M, 1G or 0x20000000");
        }
        return size;
    }

    /** {@code cxl list} with these parameters, as an array (a lone object wrapped). */
    static ArrayNode list(DaemonClient client, ListParams p) throws IOException {
        Response r = client.call(Request.LIST, Json.mapper().valueToTree(p));
        if (!r.ok()) {
            throw new IOException(r.error().message());
        }
        JsonNode result = r.result();
        return result.isArray() ? (ArrayNode) result : Json.mapper().createArrayNode().add(result);
    }

    static ListParams params(boolean memdevs, boolean decoders, boolean regions, boolean targets, boolean idle,
            boolean human, String memdevFilter, String busFilter, String decoderFilter, String regionFilter) {
        return new ListParams(memdevs, false, false, false, decoders, regions, targets, idle, human, false, 0,
                memdevFilter, null, busFilter, null, null, decoderFilter, regionFilter);
    }

    @Command(name = "create-region", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Create, commit and enable a region (ndctl's cxl create-region): under root decoder -d, over"
                    + " the memdevs named (by position) or, with none named, every active memdev below the decoder.",
                    "Defaults as ndctl's: the type is pmem unless the decoder maps volatile memory only; the ways the"
                            + " number of memdevs; the granularity the root decoder's; the size the smallest memdev's"
                            + " partition of that type times the ways, cut to the decoder's largest free extent.",
                    "cxld does the sysfs writes, serialized per root decoder; when the kernel refuses one, the writes"
                            + " before it are undone and the message names the attribute and errno. Prints the region"
                            + " as cxl list -R -T does. Needs root or cxld's admin group.",
                    "Differences from ndctl: without -d, cxlctl picks the first root decoder that can map the type"
                            + " (ndctl v85 refuses); -m is implied when memdevs are named."},
            footer = {"", "Examples:", "  cxlctl create-region -d decoder0.0 -t ram -m mem0 mem1 -w 2 -g 4096",
                "  cxlctl create-region -d decoder0.4                 every memdev below decoder0.4, pmem"})
    static final class Create implements Callable<Integer>, NdctlEngine.Verb {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Parameters(paramLabel = "TARGET", arity = "0..*", description = "memdevs (memN or N, space or comma separated), by position")
        List<String> targets = new ArrayList<>();

        @Option(names = {"-d", "--decoder"}, paramLabel = "ROOT_DECODER", description = "the root decoder to create the region under")
        String root;

        @Option(names = {"-b", "--bus"}, paramLabel = "BUS", description = "limit the root decoder to this bus")
        String bus;

        @Option(names = {"-m", "--memdevs"}, description = "the arguments are memdevs (the only kind of target; implied)")
        boolean memdevs;

        @Option(names = {"-t", "--type"}, paramLabel = "pmem|ram", description = "region type (default: from the root decoder)")
        String type;

        @Option(names = {"-s", "--size"}, paramLabel = "SIZE", description = "total size, bytes or with K, M, G, T")
        String size;

        @Option(names = {"-w", "--ways"}, paramLabel = "N", description = "interleave ways (default: the number of memdevs)")
        Integer ways;

        @Option(names = {"-g", "--granularity"}, paramLabel = "BYTES", description = "interleave granularity (default: the root decoder's)")
        Integer granularity;

        @Option(names = {"-U", "--uuid"}, paramLabel = "UUID", description = "uuid of a pmem region (default: generated)")
        String uuid;

        @Option(names = {"-Q", "--enforce-qos"}, description = "refuse memdevs whose QoS class differs from the root decoder's")
        boolean enforceQos;

        @Option(names = {"-u", "--human"}, description = "human friendly number formats")
        boolean human;

        @Option(names = "--debug", description = "accepted for ndctl's command line")
        boolean debug;

        @Override
        public String verb() {
            return "create-region";
        }

        @Override
        public Integer call() throws IOException {
            return engine(parent, spec, verb(), opts());
        }

        @Override
        public NdctlEngine.Opts opts() {
            java.util.Map<String, String> values = new java.util.HashMap<>();
            put(values, "decoder", root);
            put(values, "bus", bus);
            put(values, "type", type);
            put(values, "size", size);
            put(values, "ways", ways == null ? null : ways.toString());
            put(values, "granularity", granularity == null ? null : granularity.toString());
            put(values, "uuid", uuid);
            java.util.Set<String> flags = new java.util.HashSet<>();
            if (memdevs) {
                flags.add("memdevs");
            }
            if (enforceQos) {
                flags.add("enforce-qos");
            }
            if (human) {
                flags.add("human");
            }
            if (debug) {
                flags.add("debug");
            }
            return new NdctlEngine.Opts(values, flags, targets);
        }
    }

    static void put(java.util.Map<String, String> values, String name, String value) {
        if (value != null) {
            values.put(name, value);
        }
    }

    /** Runs an ndctl verb in {@link NdctlEngine} on the command's socket and streams. */
    static int engine(CxlCtl parent, CommandSpec spec, String verb, NdctlEngine.Opts o) throws IOException {
        try (QuickClient c = new QuickClient(parent.client().socket())) {
            return new NdctlEngine(c, spec.commandLine().getOut(), spec.commandLine().getErr()).run(verb, o);
        }
    }

    /**
     * enable-, disable- and destroy-region: each region under the root decoders -d names (all by
     * default), on the bus -b names, that some argument matches (regionN, N, all), in turn.
     */
    abstract static class OnRegions implements Callable<Integer>, NdctlEngine.Verb {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Parameters(paramLabel = "REGION", arity = "1..*", description = "regions: regionN, N or all")
        List<String> regions;

        @Option(names = {"-b", "--bus"}, paramLabel = "BUS", description = "only regions on this bus")
        String bus;

        @Option(names = {"-d", "--decoder"}, paramLabel = "ROOT_DECODER", description = "only regions under this root decoder")
        String decoder;

        @Option(names = "--debug", description = "accepted for ndctl's command line")
        boolean debug;

        abstract String op();

        /** Flags of the verb beyond -b and -d (destroy's --force). */
        java.util.Set<String> flags() {
            return java.util.Set.of();
        }

        @Override
        public String verb() {
            return op();
        }

        @Override
        public Integer call() throws IOException {
            return engine(parent, spec, op(), opts());
        }

        @Override
        public NdctlEngine.Opts opts() {
            java.util.Map<String, String> values = new java.util.HashMap<>();
            put(values, "bus", bus);
            put(values, "decoder", decoder);
            java.util.Set<String> f = new java.util.HashSet<>(flags());
            if (debug) {
                f.add("debug");
            }
            return new NdctlEngine.Opts(values, f, regions);
        }
    }

    @Command(name = "destroy-region", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Tear regions down as ndctl's cxl destroy-region does: decommit, detach the targets, free"
                    + " their DPA (highest decoder first), delete. An enabled region needs -f. Refused while a later"
                    + " endpoint decoder of one of its memdevs still holds DPA (DPA is freed in reverse order, as ndctl"
                    + " v85 refuses it), while it is handed off, or when the kernel locked it. Needs root or cxld's"
                    + " admin group."},
            footer = {"", "Examples:", "  cxlctl destroy-region region1", "  cxlctl destroy-region -f -b cxl_test all"})
    static final class Destroy extends OnRegions {
        @Option(names = {"-f", "--force"}, description = "disable the region first if it is enabled")
        boolean force;

        @Override
        java.util.Set<String> flags() {
            return force ? java.util.Set.of("force") : java.util.Set.of();
        }

        @Override
        String op() {
            return Request.DESTROY_REGION;
        }


    }

    @Command(name = "enable-region", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Enable regions: bind the cxl_region driver to committed regions (ndctl's cxl enable-region)."
                    + " Needs root or cxld's admin group."},
            footer = {"", "Example:", "  cxlctl enable-region region1"})
    static final class Enable extends OnRegions {
        @Override
        String op() {
            return Request.ENABLE_REGION;
        }


    }

    @Command(name = "disable-region", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Disable regions: unbind the cxl_region driver, which removes their dax and pmem devices"
                    + " (ndctl's cxl disable-region). Refused (LOCKED) while a region is handed off. Needs root or"
                    + " cxld's admin group."},
            footer = {"", "Example:", "  cxlctl disable-region region1"})
    static final class Disable extends OnRegions {
        @Option(names = {"-f", "--force"}, description = "accepted for ndctl's command line: disable even when its"
                + " memory could not be offlined")
        boolean force;

        @Override
        java.util.Set<String> flags() {
            return force ? java.util.Set.of("force") : java.util.Set.of();
        }

        @Override
        String op() {
            return Request.DISABLE_REGION;
        }


    }
}
