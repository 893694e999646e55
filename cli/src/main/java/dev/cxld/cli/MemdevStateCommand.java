package dev.cxld.cli;

import dev.cxld.protocol.Request;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * enable-memdev and disable-memdev, as ndctl's {@code cxl} verbs of those names: targets, messages
 * and exit status as {@link MemdevVerb} has them; with {@code --json} (cxlctl's own), the result
 * for each memdev on stdout.
 */
abstract class MemdevStateCommand implements java.util.concurrent.Callable<Integer>, NdctlEngine.Verb {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.ParentCommand CxlCtl parent;

    @picocli.CommandLine.Parameters(paramLabel = "MEMDEV", arity = "1..*",
            description = "memdevs: memN, N or all (serial numbers with -S)")
    java.util.List<String> targets;

    @Option(names = {"-b", "--bus"}, paramLabel = "BUS", description = "only memdevs on this bus (root0, cxl_test, ACPI.CXL)")
    String bus;

    @Option(names = {"-S", "--serial"}, description = "the arguments are serial numbers")
    boolean serial;

    @Option(names = {"-v", "--verbose"}, description = "accepted for ndctl's command line (cxld logs what it does)")
    boolean verbose;

    @Option(names = "--json", description = "print the result of each memdev as a JSON array on stdout (cxlctl's)")
    boolean json;

    abstract String op();

    abstract boolean force();

    @Override
    public String verb() {
        return op();
    }

    @Override
    public Integer call() throws IOException {
        return RegionCommands.engine(parent, spec, op(), opts());
    }

    @Override
    public NdctlEngine.Opts opts() {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        RegionCommands.put(values, "bus", bus);
        java.util.Set<String> flags = new java.util.HashSet<>();
        if (serial) {
            flags.add("serial");
        }
        if (json) {
            flags.add("json");
        }
        if (force()) {
            flags.add("force");
        }
        if (verbose) {
            flags.add("verbose");
        }
        return new NdctlEngine.Opts(values, flags, targets);
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
        boolean force() {
            return forced;
        }
    }
}
