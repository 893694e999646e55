package dev.cxld.cli;

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

/**
 * ndctl's {@code cxl enable-port}, {@code disable-port} and {@code disable-bus}, with their options,
 * messages and exit status (cxl/port.c, cxl/bus.c), done by cxld.
 */
final class PortCommands {
    private PortCommands() {}

    /** The names whose flag is set. */
    static java.util.Set<String> flags(boolean[] set, String... names) {
        java.util.Set<String> on = new java.util.HashSet<>();
        for (int i = 0; i < names.length; i++) {
            if (set[i]) {
                on.add(names[i]);
            }
        }
        return on;
    }

    /** One request per target, in order; the summary ndctl prints ({@link NdctlEngine}). */
    abstract static class PortVerb implements Callable<Integer>, NdctlEngine.Verb {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Option(names = "--debug", description = "accepted for ndctl's command line; cxld logs what it does")
        boolean debug;

        abstract List<String> targets();

        abstract String op();

        abstract java.util.Set<String> flags();

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
            java.util.Set<String> f = new java.util.HashSet<>(flags());
            if (debug) {
                f.add("debug");
            }
            return new NdctlEngine.Opts(java.util.Map.of(), f, targets());
        }
    }

    @Command(name = "enable-port", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Enable CXL ports: bind the cxl_port driver, which enumerates the port's decoders and"
                    + " lets the memdevs below it come up (ndctl's cxl enable-port). A port already enabled is left"
                    + " as it is. Needs root or cxld's admin group."},
            footer = {"", "Examples:", "  cxlctl enable-port port2", "  cxlctl enable-port -m port1    # and the memdevs below it"})
    static final class Enable extends PortVerb {
        @Parameters(paramLabel = "PORT", arity = "1..*", description = "ports: portN, N, or the host device (pci0000:34)")
        List<String> ports;

        @Option(names = {"-e", "--endpoint"}, description = "the arguments name endpoint ports (endpointN) instead of switch ports")
        boolean endpoint;

        @Option(names = {"-m", "--enable-memdevs"}, description = "then enable every disabled memdev below the port")
        boolean memdevs;

        @Override
        List<String> targets() {
            return ports;
        }

        @Override
        String op() {
            return Request.ENABLE_PORT;
        }

        @Override
        java.util.Set<String> flags() {
            return PortCommands.flags(new boolean[] {endpoint, memdevs}, "endpoint", "enable-memdevs");
        }




    }

    @Command(name = "disable-port", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Disable CXL ports: unbind the cxl_port driver, which takes the port's decoders and every"
                    + " memdev below it down (ndctl's cxl disable-port). A port with an enabled memdev below is refused"
                    + " unless forced, and a memdev that guards a handoff refuses it even then. A root is disabled with"
                    + " disable-bus. Needs root or cxld's admin group."},
            footer = {"", "Example:", "  cxlctl disable-port port2 --force"})
    static final class Disable extends PortVerb {
        @Parameters(paramLabel = "PORT", arity = "1..*", description = "ports: portN, N, or the host device")
        List<String> ports;

        @Option(names = {"-e", "--endpoint"}, description = "the arguments name endpoint ports instead of switch ports")
        boolean endpoint;

        @Option(names = {"-f", "--force"}, description = "DANGEROUS: disable even with enabled memdevs below (their"
                + " memory may be in use)")
        boolean force;

        @Override
        List<String> targets() {
            return ports;
        }

        @Override
        String op() {
            return Request.DISABLE_PORT;
        }

        @Override
        java.util.Set<String> flags() {
            return PortCommands.flags(new boolean[] {endpoint, force}, "endpoint", "force");
        }




    }

    @Command(name = "disable-bus", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Disable CXL buses: unbind the root's platform device (ACPI0017:00, or cxl_acpi.0 under"
                    + " cxl_test) from its driver, which takes the whole CXL topology under it away (ndctl's cxl"
                    + " disable-bus). Refused with an enabled memdev below unless forced. Needs root or cxld's admin"
                    + " group."},
            footer = {"", "Example:", "  cxlctl disable-bus root0 --force"})
    static final class DisableBus extends PortVerb {
        @Parameters(paramLabel = "BUS", arity = "1..*", description = "buses: rootN, N, or the provider (ACPI.CXL, cxl_test)")
        List<String> buses;

        @Option(names = {"-f", "--force"}, description = "DANGEROUS: disable even with enabled memdevs below")
        boolean force;

        @Override
        List<String> targets() {
            return buses;
        }

        @Override
        String op() {
            return Request.DISABLE_BUS;
        }

        @Override
        java.util.Set<String> flags() {
            return PortCommands.flags(new boolean[] {force}, "force");
        }




    }
}
