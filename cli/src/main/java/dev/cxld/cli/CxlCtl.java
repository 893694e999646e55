package dev.cxld.cli;

import dev.cxld.protocol.ProjectVersion;
import dev.cxld.protocol.SocketPath;
import java.nio.file.Path;
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
        description = "Command line client of the cxld CXL management daemon.",
        subcommands = {ListCommand.class, StatusCommand.class, MonitorCommand.class,
            MemdevStateCommand.Enable.class, MemdevStateCommand.Disable.class,
            MemdevQueryCommand.Identify.class, MemdevQueryCommand.Health.class, MemdevQueryCommand.Partition.class,
            MemdevQueryCommand.FwInfo.class, MemdevQueryCommand.AlertConfig.class, MemdevQueryCommand.Logs.class,
            MemdevQueryCommand.Timestamp.class, MemdevQueryCommand.ShutdownState.class,
            MemdevQueryCommand.Commands.class, MemdevQueryCommand.Poison.class, LabelsCommand.class,
            AttachRegionCommand.Attach.class, AttachRegionCommand.Detach.class, RegionCommands.Create.class,
            RegionCommands.Destroy.class, RegionCommands.Enable.class, RegionCommands.Disable.class})
public final class CxlCtl implements Runnable {
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

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: see the list below.");
    }

    public static void main(String[] args) {
        System.exit(commandLine(new CxlCtl()).execute(args));
    }

    /** The command tree with cxlctl's error reporting and exit codes. */
    static CommandLine commandLine(CxlCtl root) {
        CommandLine cl = new CommandLine(root);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return e instanceof DaemonClient.UnreachableException ? ExitCodes.UNREACHABLE : ExitCodes.INTERNAL;
        });
        return cl;
    }

    /** {@code cxlctl --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cxlctl " + ProjectVersion.get()};
        }
    }
}
