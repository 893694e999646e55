package dev.cxld.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What ndctl's {@code cxl} verbs that scripts call most do (create-, destroy-, enable-,
 * disable-region; enable-, disable-memdev; enable-, disable-port; disable-bus), done by cxld, with
 * cxl's output, messages and exit status, and without picocli or Jackson: the picocli commands
 * ({@link RegionCommands}, {@link MemdevStateCommand}, {@link PortCommands}) and the quick path
 * ({@link QuickVerbs}) both hand their options here, so there is one implementation of each verb.
 */
final class NdctlEngine {
    private static final long SZ_256M = 256L << 20;

    /** A picocli command whose work the engine does: its verb and the options picocli read. */
    interface Verb {
        String verb();

        Opts opts();
    }

    /** A verb's options: values by long name, flags by long name, the other arguments. */
    record Opts(Map<String, String> values, Set<String> flags, List<String> args) {
        String value(String name) {
            return values.get(name);
        }

        boolean flag(String name) {
            return flags.contains(name);
        }
    }

    private final QuickClient client;
    private final PrintWriter out;
    private final PrintWriter err;

    NdctlEngine(QuickClient client, PrintWriter out, PrintWriter err) {
        this.client = client;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code verb}; its exit status. */
    int run(String verb, Opts o) throws IOException {
        switch (verb) {
            case "create-region":
                return createRegion(o);
            case "destroy-region":
            case "enable-region":
            case "disable-region":
                return onRegions(verb, o);
            case "enable-memdev":
            case "disable-memdev":
                return memdevState(verb, o);
            case "enable-port":
            case "disable-port":
            case "disable-bus":
                return ports(verb, o);
            default:
                throw new IllegalArgumentException("not an engine verb: " + verb);
        }
    }

    // ---- listing through cxld ----

    private List<Object> list(MiniJson.Obj params) throws IOException {
        Map<String, Object> r = client.call("list", params, false);
        if (!MiniJson.flag(r, "ok")) {
            throw new IOException(MiniJson.text(MiniJson.map(r.get("error")), "message"));
        }
        return MiniJson.list(r.get("result"));
    }

    private static String message(Map<String, Object> r) {
        return MiniJson.text(MiniJson.map(r.get("error")), "message");
    }

    private static String code(Map<String, Object> r) {
        return MiniJson.text(MiniJson.map(r.get("error")), "code");
    }

    // ---- create-region ----

    private int createRegion(Opts o) throws IOException {
        NdctlStyle log = new NdctlStyle(err, "cxl region");
        int rc = create(o, log);
        log.log("cmd_create_region", "created " + (rc == 0 ? 1 : 0) + " region" + (rc == 0 ? "" : "s"));
        return rc;
    }

    private static int fail(NdctlStyle log, String function, String message) {
        log.log(function, message);
        return NdctlStyle.EXIT_FAILURE;
    }

    private int create(Opts o, NdctlStyle log) throws IOException {
        List<String> words = new ArrayList<>();
        for (String t : o.args()) {
            for (String w : t.split(t.contains(",") ? "," : " ")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        }
        String csv = words.isEmpty() ? null : String.join(",", words);
        String root = o.value("decoder");
        String type = o.value("type");
        String uuid = o.value("uuid");
        if (root == null && words.isEmpty()) {
            return fail(log, "parse_create_options", "no root decoder specified");
        }
        if (type != null && !type.equals("ram") && !type.equals("pmem") && !type.equals("volatile")) {
            return fail(log, "parse_create_options", "unsupported type: " + type);
        }
        String mode = "volatile".equals(type) ? "ram" : type;
        if ("ram".equals(mode) && uuid != null) {
            return fail(log, "parse_create_options", "can't set UUID for ram / volatile regions");
        }
        if (uuid != null && !uuid.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            return fail(log, "parse_create_options", "failed to parse uuid: '" + uuid + "'");
        }
        Map<String, Object> rootDecoder = null;
        if (root != null) {
            for (Object d : list(new MiniJson.Obj().put("decoders", true).put("busFilter", o.value("bus"))
                    .put("decoderFilter", root))) {
                Map<String, Object> m = MiniJson.map(d);
                if (!m.containsKey("mode")) { // endpoint decoders have a mode; the root's come first
                    rootDecoder = m;
                    break;
                }
            }
            if (rootDecoder == null) {
                return fail(log, "create_region_validate_config", root + " not found in CXL topology");
            }
        }
        List<Map<String, Object>> mems = new ArrayList<>();
        for (Object m : list(new MiniJson.Obj().put("memdevs", true).put("memdevFilter", csv)
                .put("decoderFilter", rootDecoder == null ? null : MiniJson.text(rootDecoder, "decoder")))) {
            mems.add(MiniJson.map(m));
        }
        if (mems.isEmpty()) {
            return fail(log, "collect_memdevs", "no active memdevs found: decoder: " + root + " filter: "
                    + (csv == null ? "none" : csv));
        }
        if (csv != null) {
            mems.sort(java.util.Comparator.comparingInt(m -> position(words, MiniJson.text(m, "memdev"))));
        }
        if (mode == null) {
            mode = rootDecoder != null && MiniJson.flag(rootDecoder, "pmem_capable") ? "pmem"
                    : rootDecoder != null && MiniJson.flag(rootDecoder, "volatile_capable") ? "ram" : "pmem";
        }
        int w;
        String ways = o.value("ways");
        if (ways != null) {
            w = intOf(ways, -1);
            if (w <= 0) {
                return fail(log, "parse_create_options", "Invalid interleave ways: " + ways);
            }
        } else {
            w = words.isEmpty() ? mems.size() : words.size();
        }
        if (w > mems.size() || (!words.isEmpty() && w != mems.size())) {
            return fail(log, "validate_ways", "Interleave ways " + w + " is " + (w > mems.size() ? "greater" : "less")
                    + " than number of memdevs " + (words.isEmpty() ? "found" : "specified") + ": " + mems.size());
        }
        Integer granularity = null;
        if (o.value("granularity") != null) {
            granularity = intOf(o.value("granularity"), -1);
            if (granularity <= 0) {
                return fail(log, "parse_create_options", "Invalid interleave granularity: " + o.value("granularity"));
            }
        }
        Long bytes = null;
        if (o.value("size") != null) {
            bytes = size(o.value("size"));
            if (bytes == null) {
                return fail(log, "parse_create_options", "Invalid size: " + o.value("size"));
            }
            if (bytes % w != 0) {
                return fail(log, "parse_create_options", "size (" + bytes + ") is not an integral multiple of"
                        + " interleave-ways (" + w + ")");
            }
        }
        List<Map<String, Object>> targets = mems.subList(0, w);
        MiniJson.Obj args = new MiniJson.Obj().put("type", mode).put("ways", w);
        Integer g = granularity;
        if (rootDecoder != null) {
            String rootName = MiniJson.text(rootDecoder, "decoder");
            args.put("root", rootName);
            if (mode.equals("ram") && !MiniJson.flag(rootDecoder, "volatile_capable")) {
                return fail(log, "validate_decoder", rootName + " is not volatile capable");
            }
            if (mode.equals("pmem") && !MiniJson.flag(rootDecoder, "pmem_capable")) {
                return fail(log, "validate_decoder", rootName + " is not pmem capable");
            }
            if (o.flag("enforce-qos") && rootDecoder.containsKey("qos_class")) {
                long rootQos = MiniJson.number(rootDecoder, "qos_class", -1);
                for (Map<String, Object> m : targets) {
                    Object q = m.get(mode.equals("ram") ? "ram_qos_class" : "pmem_qos_class");
                    if (!(q instanceof Number)) {
                        break;
                    }
                    if (((Number) q).longValue() != rootQos) {
                        return fail(log, "create_region_validate_qos_class", rootName + " qos_class mismatch "
                                + MiniJson.text(m, "memdev"));
                    }
                }
            }
            int rootGranularity = (int) MiniJson.number(rootDecoder, "interleave_granularity", 0);
            int rootWays = (int) MiniJson.number(rootDecoder, "interleave_ways", 0);
            if (granularity != null && rootWays > 1 && granularity != rootGranularity) {
                return fail(log, "cxl_region_determine_granularity", "For an x" + rootWays
                        + " root, only root decoder granularity (" + rootGranularity + ") permitted");
            }
            if (g == null && rootGranularity > 0) {
                g = rootGranularity;
            }
            long max = MiniJson.number(rootDecoder, "max_available_extent", -1);
            if (bytes == null) {
                long min = Long.MAX_VALUE;
                for (Map<String, Object> m : targets) {
                    min = Math.min(min, MiniJson.number(m, mode.equals("ram") ? "ram_size" : "pmem_size", 0));
                }
                if (min == 0) {
                    return fail(log, "create_region", "unable to determine region size");
                }
                bytes = min * w;
                if (max >= 0 && bytes > max) {
                    bytes = max / (SZ_256M * w) * (SZ_256M * w);
                }
            } else if (max >= 0 && bytes > max) {
                return fail(log, "create_region", rootName + ": region size 0x" + Long.toHexString(bytes)
                        + " exceeds max available space (0x" + Long.toHexString(max) + ")");
            }
        }
        List<String> names = new ArrayList<>();
        targets.forEach(m -> names.add(MiniJson.text(m, "memdev")));
        args.put("granularity", g).put("size", bytes).put("uuid", uuid).put("memdevs", names);
        Map<String, Object> r = client.call("create-region", args, false);
        if (!MiniJson.flag(r, "ok")) {
            return fail(log, "create_region", message(r));
        }
        String region = MiniJson.text(MiniJson.map(r.get("result")), "region");
        boolean human = o.flag("human") || System.console() != null;
        Map<String, Object> shown = client.call("list", new MiniJson.Obj().put("regions", true).put("targets", true)
                .put("idle", true).put("human", human).put("regionFilter", region), true);
        String text = MiniJson.text(shown, "text");
        if (text != null && text.startsWith("[")) {
            text = unwrapSingle(text);
        }
        out.print(text == null ? "" : text);
        out.flush();
        return 0;
    }

    /** A listing of one object printed as that object alone, as ndctl prints the region it made. */
    private static String unwrapSingle(String arrayText) {
        String t = arrayText.strip();
        if (!t.startsWith("[") || !t.endsWith("]")) {
            return arrayText;
        }
        String inner = t.substring(1, t.length() - 1).strip();
        if (!inner.startsWith("{")) {
            return arrayText;
        }
        StringBuilder b = new StringBuilder();
        for (String line : inner.split("\n", -1)) {
            b.append(line.startsWith("  ") ? line.substring(2) : line).append('\n');
        }
        return b.toString();
    }

    /** A size as ndctl's parse_size64 reads it (bytes, or with K, M, G, T); null when it is not one. */
    static Long size(String s) {
        String t = s.strip().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G") || t.endsWith("T")) {
            unit = 1L << (10 * ("KMGT".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.multiplyExact(dev.cxld.protocol.Numbers.typed(t), unit);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int position(List<String> words, String name) {
        for (int k = 0; k < words.size(); k++) {
            String w = words.get(k);
            if (w.equals(name) || ("mem" + w).equals(name)) {
                return k;
            }
        }
        return words.size();
    }

    private static int intOf(String s, int otherwise) {
        try {
            long v = dev.cxld.protocol.Numbers.typed(s.strip());
            return v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? otherwise : (int) v;
        } catch (RuntimeException e) {
            return otherwise;
        }
    }

    // ---- enable-, disable-, destroy-region ----

    private int onRegions(String verb, Opts o) throws IOException {
        NdctlStyle log = new NdctlStyle(err, "cxl region");
        List<Object> regions = list(new MiniJson.Obj().put("regions", true).put("idle", true)
                .put("busFilter", o.value("bus")).put("decoderFilter", o.value("decoder"))
                .put("regionFilter", String.join(" ", o.args())));
        String lastError = null;
        for (Object x : regions) {
            String name = MiniJson.text(MiniJson.map(x), "region");
            if (name == null) {
                continue;
            }
            MiniJson.Obj args = new MiniJson.Obj().put("region", name);
            if (verb.equals("destroy-region")) {
                args.put("force", o.flag("force"));
            }
            Map<String, Object> r = client.call(verb, args, false);
            if (MiniJson.flag(r, "ok")) {
                log.succeeded();
            } else {
                log.log("decoder_region_action", name + ": failed: " + message(r));
                lastError = message(r);
            }
        }
        if (lastError != null) {
            log.log("region_action", "one or more failures, last failure: " + lastError);
        }
        int n = log.count();
        String done = verb.equals("destroy-region") ? "destroyed" : verb.equals("enable-region") ? "enabled" : "disabled";
        log.log("cmd_" + verb.replace('-', '_'), done + " " + n + " region" + (n == 1 ? "" : "s"));
        return lastError == null ? 0 : NdctlStyle.EXIT_FAILURE;
    }

    // ---- enable-, disable-memdev ----

    private int memdevState(String verb, Opts o) throws IOException {
        NdctlStyle log = new NdctlStyle(err, "cxl memdev");
        boolean serial = o.flag("serial");
        List<String> words = targetWords(o.args(), serial, log);
        boolean enable = verb.equals("enable-memdev");
        StringBuilder json = o.flag("json") ? new StringBuilder() : null;
        List<String> results = new ArrayList<>();
        if (words == null) {
            err.println("usage: cxlctl " + verb + " <mem0> [<mem1>..<memN>] [<options>]");
            err.flush();
            return 129;
        }
        for (String w : words) {
            Set<String> matched = memdevsMatching(w, serial, o.value("bus"), log);
            for (String m : matched) {
                Map<String, Object> r = client.call(verb, new MiniJson.Obj().put("memdev", m)
                        .put("force", !enable && o.flag("force") ? Boolean.TRUE : null), false);
                if (MiniJson.flag(r, "ok")) {
                    log.succeeded();
                } else {
                    log.log(enable ? "action_enable" : "action_disable", message(r));
                    log.failed();
                }
                if (json != null) {
                    results.add(r.containsKey("result") ? jsonOf(r.get("result")) : jsonOf(r.get("error")));
                }
            }
        }
        if (json != null) {
            out.print(results.isEmpty() ? "[\n]\n" : "[\n  " + String.join(",\n  ", results) + "\n]\n");
            out.flush();
        }
        log.log("cmd_" + (enable ? "enable" : "disable") + "_memdev", (enable ? "enabled " : "disabled ")
                + NdctlStyle.plural(log.count(), "mem"));
        return log.exit();
    }

    /**
     * The memdevs {@code word} names (a serial number with {@code serial}; all: every memdev), on
     * {@code bus} when not null, disabled ones included, in cxl list's order, as cxld's list filter
     * matches them; a refusal, or no match, logged as ndctl's memdev_action logs it; a cxld that
     * cannot be reached ends the command (UnreachableException), as for every other verb.
     */
    Set<String> memdevsMatching(String word, boolean serial, String bus, NdctlStyle log)
            throws DaemonClient.UnreachableException {
        Set<String> matched = new LinkedHashSet<>();
        try {
            for (Object m : list(new MiniJson.Obj().put("memdevs", true).put("idle", true)
                    .put(serial ? "serialFilter" : "memdevFilter", word).put("busFilter", bus))) {
                String name = MiniJson.text(MiniJson.map(m), "memdev");
                if (name != null) {
                    matched.add(name);
                }
            }
        } catch (DaemonClient.UnreachableException e) {
            throw e;
        } catch (IOException e) {
            log.log("memdev_action", e.getMessage());
        }
        if (matched.isEmpty()) {
            log.log("memdev_action", "no memdev matches " + word);
        }
        return matched;
    }

    /** ndctl's memdev_action check of its arguments: memN, N, all (or serials); null after usage. */
    static List<String> targetWords(List<String> args, boolean serial, NdctlStyle log) {
        List<String> words = new ArrayList<>();
        for (String t : args) {
            if (!serial && t.equals("all")) {
                return new ArrayList<>(List.of("all"));
            }
            if (serial ? t.matches("(0[xX][0-9a-fA-F]+|\\d+)") : t.matches("(mem)?\\d+.*")) {
                words.add(t);
            } else {
                log.log("memdev_action", "'" + t + "' is not a valid memdev " + (serial ? "serial number" : "name"));
            }
        }
        return words.isEmpty() ? null : words;
    }

    /** Compact JSON of a parsed value (for --json). */
    private static String jsonOf(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(b.length() > 1 ? "," : "").append(MiniJson.quote(e.getKey().toString())).append(':')
                        .append(jsonOf(e.getValue()));
            }
            return b.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object x : l) {
                b.append(b.length() > 1 ? "," : "").append(jsonOf(x));
            }
            return b.append(']').toString();
        }
        return v instanceof String s ? MiniJson.quote(s) : String.valueOf(v);
    }

    // ---- enable-, disable-port; disable-bus ----

    private int ports(String verb, Opts o) throws IOException {
        boolean bus = verb.equals("disable-bus");
        NdctlStyle log = new NdctlStyle(err, bus ? "cxl bus" : "cxl port");
        boolean endpoint = o.flag("endpoint");
        for (String t : o.args()) {
            MiniJson.Obj args = bus ? new MiniJson.Obj().put("bus", t).put("force", o.flag("force"))
                    : new MiniJson.Obj().put("port", t).put("endpoint", endpoint)
                            .put(verb.equals("enable-port") ? "enable_memdevs" : "force",
                                    o.flag(verb.equals("enable-port") ? "enable-memdevs" : "force"));
            Map<String, Object> r = client.call(verb, args, false);
            if (MiniJson.flag(r, "ok")) {
                log.succeeded();
            } else if ("NOT_FOUND".equals(code(r))) {
                if (!bus) {
                    log.log("port_action", (endpoint ? "endpoint: " : "port: ") + t + " not found");
                }
            } else {
                log.log("action_" + (verb.startsWith("enable") ? "enable" : "disable"), message(r));
                log.failed();
            }
        }
        String thing = bus ? "bus" : "port";
        log.log("cmd_" + verb.replace('-', '_'), (verb.startsWith("enable") ? "enabled " : "disabled ")
                + NdctlStyle.plural(log.count(), thing));
        return log.exit();
    }
}
