package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A verb of ndctl's {@code cxl} that acts on memdevs, run as ndctl's {@code memdev_action} runs
 * them (cxl/memdev.c): targets are {@code memN}, {@code N} or {@code all} (serial numbers with
 * {@code -S}), limited to a bus with {@code -b}; a word that is neither is an error; each target is
 * matched against the memdevs as {@code cxl list -m} matches (cxld does the matching), and the
 * action runs once per memdev matched; then the summary line on stderr. Exit 0 when some memdev
 * succeeded or none failed, else 1.
 */
abstract class MemdevVerb implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;

    @Parameters(paramLabel = "MEMDEV", arity = "1..*", description = "memdevs: memN, N or all (serial numbers with -S)")
    List<String> targets;

    @Option(names = {"-b", "--bus"}, paramLabel = "BUS", description = "only memdevs on this bus (root0, cxl_test, ACPI.CXL)")
    String bus;

    @Option(names = {"-S", "--serial"}, description = "the arguments are serial numbers")
    boolean serial;

    @Option(names = {"-v", "--verbose"}, description = "accepted for ndctl's command line (cxld logs what it does)")
    boolean verbose;

    NdctlStyle log;

    /** The action on one memdev; true when it succeeded. */
    abstract boolean action(String memdev) throws IOException;

    /** The summary ndctl prints at the end, given how many memdevs succeeded. */
    abstract String summary(int count);

    /** ndctl's name of the command function, the summary's prefix ({@code cmd_read_labels}). */
    abstract String function();

    /** Before any memdev: false ends the command (the reason logged). */
    boolean prepare() throws IOException {
        return true;
    }

    /** After every memdev, before the summary (output that gathers all memdevs). */
    void finish() throws IOException {
    }

    @Override
    public Integer call() throws IOException {
        log = new NdctlStyle(spec.commandLine().getErr(), "cxl memdev");
        List<String> words = new ArrayList<>();
        int invalid = 0;
        for (String t : targets) {
            if (!serial && t.equals("all")) {
                words = new ArrayList<>(List.of("all"));
                invalid = 0;
                break;
            }
            if (serial ? t.matches("(0[xX][0-9a-fA-F]+|\\d+)") : t.matches("(mem)?\\d+.*")) {
                words.add(t);
            } else {
                log.log("memdev_action", "'" + t + "' is not a valid memdev " + (serial ? "serial number" : "name"));
                invalid++;
            }
        }
        if (words.isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getErr());
            return 129;
        }
        if (!prepare()) {
            log.log(function(), summary(0));
            return NdctlStyle.EXIT_FAILURE;
        }
        for (String w : words) {
            Set<String> matched = matching(w);
            if (matched.isEmpty()) {
                log.log("memdev_action", "no memdev matches " + w);
            }
            for (String m : matched) {
                if (action(m)) {
                    log.succeeded();
                } else {
                    log.failed();
                }
            }
        }
        finish();
        log.log(function(), summary(log.count()));
        return log.exit();
    }

    /** The memdevs {@code word} names, in cxl list's order, as cxld's list filter matches them. */
    private Set<String> matching(String word) throws IOException {
        // idle: a disabled memdev is a target too (enable-memdev is for those)
        ListParams p = new ListParams(true, false, false, false, false, false, false, true, false, false, 0,
                serial ? null : word, serial ? word : null, bus, null, null, null, null);
        Response r = parent.client().call(Request.LIST, Json.mapper().valueToTree(p));
        Set<String> names = new LinkedHashSet<>();
        if (!r.ok()) {
            log.log("memdev_action", r.error().message());
            return names;
        }
        JsonNode result = r.result();
        ArrayNode array = result.isArray() ? (ArrayNode) result : Json.mapper().createArrayNode().add(result);
        for (JsonNode m : array) {
            if (m.has("memdev")) {
                names.add(m.get("memdev").asText());
            }
        }
        return names;
    }

    /** One request for {@code memdev}; its error, if any, logged as ndctl's action would. */
    Response request(String op, com.fasterxml.jackson.databind.node.ObjectNode args, String function) throws IOException {
        Response r = parent.client().call(op, args);
        if (!r.ok()) {
            log.log(function, r.error().message());
        }
        return r;
    }
}
