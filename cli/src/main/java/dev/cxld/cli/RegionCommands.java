package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.Numbers;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
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
    private static final long SZ_256M = 256L << 20;

    private RegionCommands() {}

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
    static final class Create implements Callable<Integer> {
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

        private NdctlStyle log;

        @Override
        public Integer call() throws IOException {
            log = new NdctlStyle(spec.commandLine().getErr(), "cxl region");
            int rc = create();
            log.log("cmd_create_region", "created " + (rc == 0 ? 1 : 0) + " region" + (rc == 0 ? "" : "s"));
            return rc;
        }

        private int fail(String function, String message) {
            log.log(function, message);
            return NdctlStyle.EXIT_FAILURE;
        }

        private int create() throws IOException {
            DaemonClient client = parent.client();
            List<String> words = new ArrayList<>();
            for (String t : targets) {
                for (String w : t.split(t.contains(",") ? "," : " ")) {
                    if (!w.isEmpty()) {
                        words.add(w);
                    }
                }
            }
            String csv = words.isEmpty() ? null : String.join(",", words);
            if (root == null && words.isEmpty()) {
                return fail("parse_create_options", "no root decoder specified");
            }
            if (type != null && !type.equals("ram") && !type.equals("pmem") && !type.equals("volatile")) {
                return fail("parse_create_options", "unsupported type: " + type);
            }
            String mode = "volatile".equals(type) ? "ram" : type;
            if ("ram".equals(mode) && uuid != null) {
                return fail("parse_create_options", "can't set UUID for ram / volatile regions");
            }
            JsonNode rootDecoder = null;
            if (root != null) {
                ArrayNode roots = list(client, params(false, true, false, false, false, false, null, bus, root, null));
                for (JsonNode d : roots) {
                    if (!d.has("mode")) { // endpoint decoders have a mode; the root's come first
                        rootDecoder = d;
                        break;
                    }
                }
                if (rootDecoder == null) {
                    return fail("create_region_validate_config", root + " not found in CXL topology");
                }
            }
            // the memdevs below the decoder (all of them, or those named, in the order named)
            ArrayNode found = list(client, params(true, false, false, false, false, false, csv, null,
                    rootDecoder == null ? null : rootDecoder.get("decoder").asText(), null));
            List<JsonNode> mems = new ArrayList<>();
            found.forEach(mems::add);
            if (mems.isEmpty()) {
                return fail("collect_memdevs", "no active memdevs found: decoder: " + root + " filter: "
                        + (csv == null ? "none" : csv));
            }
            if (csv != null) {
                mems.sort(Comparator.comparingInt(m -> position(words, m)));
            }
            if (mode == null) {
                mode = rootDecoder != null && rootDecoder.path("pmem_capable").asBoolean(false) ? "pmem"
                        : rootDecoder != null && rootDecoder.path("volatile_capable").asBoolean(false) ? "ram" : "pmem";
            }
            int w;
            if (ways != null) {
                if (ways <= 0) {
                    return fail("parse_create_options", "Invalid interleave ways: " + ways);
                }
                w = ways;
            } else {
                w = words.isEmpty() ? mems.size() : words.size();
            }
            if (w > mems.size() || (!words.isEmpty() && w != mems.size())) {
                return fail("validate_ways", "Interleave ways " + w + " is " + (w > mems.size() ? "greater" : "less")
                        + " than number of memdevs " + (words.isEmpty() ? "found" : "specified") + ": " + mems.size());
            }
            if (granularity != null && granularity <= 0) {
                return fail("parse_create_options", "Invalid interleave granularity: " + granularity);
            }
            Long bytes = size == null ? null : parseSize(spec, size);
            if (bytes != null && bytes % w != 0) {
                return fail("parse_create_options", "size (" + bytes + ") is not an integral multiple of interleave-ways (" + w + ")");
            }
            ObjectNode args = Json.mapper().createObjectNode().put("type", mode).put("ways", w);
            if (rootDecoder != null) {
                String rootName = rootDecoder.get("decoder").asText();
                args.put("root", rootName);
                if (mode.equals("ram") && !rootDecoder.path("volatile_capable").asBoolean(false)) {
                    return fail("validate_decoder", rootName + " is not volatile capable");
                }
                if (mode.equals("pmem") && !rootDecoder.path("pmem_capable").asBoolean(false)) {
                    return fail("validate_decoder", rootName + " is not pmem capable");
                }
                if (enforceQos && rootDecoder.has("qos_class")) {
                    int rootQos = rootDecoder.get("qos_class").asInt();
                    for (JsonNode m : mems.subList(0, w)) {
                        JsonNode q = m.get(mode.equals("ram") ? "ram_qos_class" : "pmem_qos_class");
                        if (q == null) {
                            break;
                        }
                        if (q.asInt() != rootQos) {
                            return fail("create_region_validate_qos_class", rootName + " qos_class mismatch "
                                    + m.get("memdev").asText());
                        }
                    }
                }
                int rootGranularity = rootDecoder.path("interleave_granularity").asInt(0);
                int rootWays = rootDecoder.path("interleave_ways").asInt(0);
                int g = granularity == null ? rootGranularity : granularity;
                if (granularity != null && rootWays > 1 && granularity != rootGranularity) {
                    return fail("cxl_region_determine_granularity", "For an x" + rootWays
                            + " root, only root decoder granularity (" + rootGranularity + ") permitted");
                }
                if (g > 0) {
                    args.put("granularity", g);
                }
                long max = rootDecoder.path("max_available_extent").asLong(-1);
                if (bytes == null) {
                    long min = Long.MAX_VALUE;
                    for (JsonNode m : mems.subList(0, w)) {
                        min = Math.min(min, m.path(mode.equals("ram") ? "ram_size" : "pmem_size").asLong(0));
                    }
                    if (min == 0) {
                        return fail("create_region", "unable to determine region size");
                    }
                    bytes = min * w;
                    if (max >= 0 && bytes > max) {
                        bytes = max / (SZ_256M * w) * (SZ_256M * w);
                    }
                } else if (max >= 0 && bytes > max) {
                    return fail("create_region", rootName + ": region size 0x" + Long.toHexString(bytes)
                            + " exceeds max available space (0x" + Long.toHexString(max) + ")");
                }
            } else if (granularity != null) {
                args.put("granularity", granularity);
            }
            if (bytes != null) {
                args.put("size", bytes);
            }
            if (uuid != null) {
                args.put("uuid", uuid);
            }
            ArrayNode m = args.putArray("memdevs");
            mems.subList(0, w).forEach(x -> m.add(x.get("memdev").asText()));
            Response r = client.call(Request.CREATE_REGION, args);
            if (!r.ok()) {
                return fail("create_region", r.error().message());
            }
            boolean h = human || System.console() != null;
            String region = r.result().get("region").asText();
            ArrayNode shown = list(client, params(false, false, true, true, true, h, null, null, null, region));
            spec.commandLine().getOut().print(dev.cxld.protocol.JsonText.pretty(shown.size() == 1 ? shown.get(0) : r.result()));
            spec.commandLine().getOut().flush();
            return 0;
        }

        /** Where memdev {@code m} is among the words named (ndctl's memdev_filter_pos). */
        private static int position(List<String> words, JsonNode m) {
            String name = m.get("memdev").asText();
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                if (w.equals(name) || ("mem" + w).equals(name)) {
                    return i;
                }
            }
            return words.size();
        }
    }

    /**
     * enable-, disable- and destroy-region: each region under the root decoders -d names (all by
     * default), on the bus -b names, that some argument matches (regionN, N, all), in turn.
     */
    abstract static class OnRegions implements Callable<Integer> {
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

        abstract ObjectNode args(String region);

        abstract String done();

        @Override
        public Integer call() throws IOException {
            NdctlStyle log = new NdctlStyle(spec.commandLine().getErr(), "cxl region");
            DaemonClient client = parent.client();
            ArrayNode all = list(client, params(false, false, true, false, true, false, null, bus, decoder,
                    String.join(" ", regions)));
            String lastError = null;
            for (JsonNode r : all) {
                String name = r.path("region").asText(null);
                if (name == null) {
                    continue;
                }
                Response answer = client.call(op(), args(name));
                if (answer.ok()) {
                    log.succeeded();
                } else {
                    log.log("decoder_region_action", name + ": failed: " + answer.error().message());
                    lastError = answer.error().message();
                }
            }
            if (lastError != null) {
                log.log("region_action", "one or more failures, last failure: " + lastError);
            }
            int n = log.count();
            log.log("cmd_" + op().replace('-', '_'), done() + " " + n + " region" + (n == 1 ? "" : "s"));
            return lastError == null ? 0 : NdctlStyle.EXIT_FAILURE;
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
        String op() {
            return Request.DESTROY_REGION;
        }

        @Override
        ObjectNode args(String region) {
            return Json.mapper().createObjectNode().put("region", region).put("force", force);
        }

        @Override
        String done() {
            return "destroyed";
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

        @Override
        ObjectNode args(String region) {
            return Json.mapper().createObjectNode().put("region", region);
        }

        @Override
        String done() {
            return "enabled";
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
        String op() {
            return Request.DISABLE_REGION;
        }

        @Override
        ObjectNode args(String region) {
            return Json.mapper().createObjectNode().put("region", region);
        }

        @Override
        String done() {
            return "disabled";
        }
    }
}
