package dev.cxld.cli;

import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.List;
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
 * matched against the memdevs as {@code cxl list -m} matches (cxld does the matching, asked by
 * {@link NdctlEngine#memdevsMatching}, as the engine's own memdev verbs ask it), and the
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
        List<String> words = NdctlEngine.targetWords(targets, serial, log);
        if (words == null) {
            spec.commandLine().usage(spec.commandLine().getErr());
            return 129;
        }
        if (!prepare()) {
            log.log(function(), summary(0));
            return NdctlStyle.EXIT_FAILURE;
        }
        try (QuickClient c = new QuickClient(parent.client().socket())) {
            NdctlEngine engine = new NdctlEngine(c, spec.commandLine().getOut(), spec.commandLine().getErr());
            for (String w : words) {
                for (String m : engine.memdevsMatching(w, serial, bus, log)) {
                    if (action(m)) {
                        log.succeeded();
                    } else {
                        log.failed();
                    }
                }
            }
        }
        finish();
        log.log(function(), summary(log.count()));
        return log.exit();
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
