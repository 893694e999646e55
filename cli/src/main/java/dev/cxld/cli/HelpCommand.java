package dev.cxld.cli;

import dev.cxld.protocol.ProjectVersion;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cxlctl help [COMMAND]} and {@code cxlctl version}, as ndctl's {@code cxl help} and {@code cxl version}. */
final class HelpCommand {
    /** The verbs of ndctl v85's {@code cxl} (its {@code --list-cmds}), which cxlctl has under the same names. */
    static final Set<String> FROM_NDCTL = Set.of("version", "list", "help", "zero-labels", "read-labels", "write-labels",
            "disable-memdev", "enable-memdev", "reserve-dpa", "free-dpa", "disable-port", "enable-port", "set-partition",
            "disable-bus", "create-region", "enable-region", "disable-region", "destroy-region", "monitor",
            "update-firmware", "set-alert-config", "wait-sanitize", "inject-media-poison", "clear-media-poison",
            "inject-protocol-error");

    private HelpCommand() {}

    @Command(name = "help", description = "Show the commands, ndctl's and cxlctl's own apart, or one command's help.",
            footer = {"", "Examples:", "  cxlctl help", "  cxlctl help create-region"})
    static final class Help implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "COMMAND", arity = "0..1", description = "the command to explain")
        String command;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (command != null) {
                if (!CxlCtl.SUBCOMMANDS.containsKey(command)) {
                    spec.commandLine().getErr().println("cxlctl help: no command " + command + "; see cxlctl help");
                    return ExitCodes.USAGE;
                }
                CommandLine one = CxlCtl.commandLine(new CxlCtl(), command).getSubcommands().get(command);
                one.usage(out);
                out.flush();
                return ExitCodes.OK;
            }
            CommandLine all = CxlCtl.commandLine(new CxlCtl());
            out.println("usage: cxlctl [--socket=PATH] COMMAND [ARGS]   (cxlctl help COMMAND for one command)");
            out.println();
            out.println("The commands of ndctl's cxl (v85), with its options, output, messages and exit status:");
            section(out, all, true);
            out.println();
            out.println("cxlctl's own (exit codes: see cxlctl --help):");
            section(out, all, false);
            out.flush();
            return ExitCodes.OK;
        }

        private static void section(PrintWriter out, CommandLine all, boolean ndctl) {
            for (Map.Entry<String, CommandLine> e : all.getSubcommands().entrySet()) {
                if (FROM_NDCTL.contains(e.getKey()) != ndctl) {
                    continue;
                }
                String[] d = e.getValue().getCommandSpec().usageMessage().description();
                String first = d.length == 0 ? "" : d[0].split("(?<=[.])\\s", 2)[0];
                out.printf("  %-22s %s%n", e.getKey(), first.length() > 90 ? first.substring(0, 87) + "..." : first);
            }
        }
    }

    @Command(name = "version", description = "Print cxlctl's version (as cxl version prints ndctl's).")
    static final class Version implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(ProjectVersion.get());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** Every command name, one per line, as {@code cxl --list-cmds}. */
    static void listCommands(PrintWriter out) {
        List.copyOf(CxlCtl.SUBCOMMANDS.keySet()).forEach(out::println);
        out.flush();
    }
}
