package dev.cxld.cli;

import dev.cxld.protocol.ProjectVersion;
import dev.cxld.protocol.SocketPath;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** cxlctl: the command line client of cxld. */
@Command(
        name = "cxlctl",
        mixinStandardHelpOptions = true,
        versionProvider = CxlCtl.Version.class,
        description = "Command line client of the cxld CXL management daemon.")
public final class CxlCtl implements Runnable {
    /**
     * Every subcommand by name, in the order {@code cxlctl --help} lists them. A call builds only
     * the one it names (see {@link #commandLine(CxlCtl, String...)}): picocli's reflective model of
     * all of them is most of cxlctl's start-up in a guest under software emulation.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = table(
            "list", ListCommand.class, "status", StatusCommand.class, "tree", TreeCommand.class,
            "metrics", ServiceCommands.Metrics.class,
            "monitor", MonitorCommand.class, "reload", ServiceCommands.Reload.class,
            "enable-memdev", MemdevStateCommand.Enable.class, "disable-memdev", MemdevStateCommand.Disable.class,
            "identify", MemdevQueryCommand.Identify.class, "health", MemdevQueryCommand.Health.class,
            "partition", MemdevQueryCommand.Partition.class, "fw-info", MemdevQueryCommand.FwInfo.class,
            "alert-config", MemdevQueryCommand.AlertConfig.class, "logs", MemdevQueryCommand.Logs.class,
            "timestamp", MemdevQueryCommand.Timestamp.class, "shutdown-state", MemdevQueryCommand.ShutdownState.class,
            "commands", MemdevQueryCommand.Commands.class, "poison", MemdevQueryCommand.Poison.class,
            "labels", LabelsCommand.class, "attach-region", AttachRegionCommand.Attach.class,
            "detach-region", AttachRegionCommand.Detach.class, "create-region", RegionCommands.Create.class,
            "destroy-region", RegionCommands.Destroy.class, "enable-region", RegionCommands.Enable.class,
            "disable-region", RegionCommands.Disable.class, "enable-port", PortCommands.Enable.class,
            "disable-port", PortCommands.Disable.class, "disable-bus", PortCommands.DisableBus.class,
            "reserve-dpa", DpaCommands.Reserve.class, "free-dpa", DpaCommands.Free.class,
            "read-labels", LabelVerbs.Read.class, "write-labels", LabelVerbs.Write.class,
            "zero-labels", LabelVerbs.Zero.class, "wait-sanitize", SanitizeVerb.class,
            "inject-media-poison", PoisonVerbs.Inject.class, "clear-media-poison", PoisonVerbs.Clear.class,
            "set-partition", MailboxVerbs.SetPartition.class, "set-alert-config", MailboxVerbs.SetAlertConfig.class,
            "update-firmware", FirmwareVerb.class, "inject-protocol-error", ProtocolErrorVerb.class,
            "help", HelpCommand.Help.class, "version", HelpCommand.Version.class);

    @Spec CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", scope = CommandLine.ScopeType.INHERIT,
            defaultValue = SocketPath.OPTION_DEFAULT,
            description = "cxld's socket (default: $" + SocketPath.ENVIRONMENT + " or " + SocketPath.DEFAULT + ")")
    Path socket;

    private final Function<Path, DaemonClient> clients;

    public CxlCtl() {
        this(DaemonClient::new);
    }

    /** For tests: how to reach the daemon. */
    CxlCtl(Function<Path, DaemonClient> clients) {
        this.clients = clients;
    }

    DaemonClient client() {
        return clients.apply(socket);
    }

    @Option(names = "--list-cmds", description = "print every command's name, one per line (as cxl --list-cmds)")
    boolean listCmds;

    @Override
    public void run() {
        if (listCmds) {
            HelpCommand.listCommands(spec.commandLine().getOut());
            return;
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: see the list below.");
    }

    /** The same as {@link Main#main}, for callers that name this class. */
    public static void main(String[] args) {
        Main.main(args);
    }

    /** Runs {@code args} through picocli's command tree; returns the exit status. */
    static int execute(String[] args) {
        return commandLine(new CxlCtl(), args).execute(args);
    }

    /**
     * The command tree for {@code args}, with cxlctl's error reporting and exit codes: only the
     * subcommand {@code args} name when they name one after the top-level options, none for
     * {@code --version}, all of them otherwise (no arguments, help, an unknown command), so usage
     * and error messages are what the whole tree would give.
     */
    static CommandLine commandLine(CxlCtl root, String... args) {
        CommandLine cl = new CommandLine(root);
        Selection only = selection(args);
        SUBCOMMANDS.forEach((name, command) -> {
            if (only.all() || name.equals(only.name())) {
                cl.addSubcommand(name, command);
            }
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return e instanceof DaemonClient.UnreachableException ? ExitCodes.UNREACHABLE : ExitCodes.INTERNAL;
        });
        return cl;
    }

    /** Which subcommands a call needs: {@code all}, or the one {@code name} (null: none). */
    record Selection(boolean all, String name) {}

    static Selection selection(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--socket")) {
                i++;
            } else if (a.startsWith("--socket=")) {
                continue;
            } else if (a.equals("--version") || a.equals("-V")) {
                return new Selection(false, null);
            } else {
                return SUBCOMMANDS.containsKey(a) ? new Selection(false, a) : new Selection(true, null);
            }
        }
        return new Selection(true, null);
    }

    private static Map<String, Class<?>> table(Object... nameThenClass) {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            m.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** {@code cxlctl --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cxlctl " + ProjectVersion.get()};
        }
    }
}
