package dev.cxld.daemon;

import dev.cxld.daemon.capture.CaptureCommand;
import dev.cxld.daemon.capture.MaterializeCommand;
import dev.cxld.protocol.ProjectVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Entry point of the cxld program: argv to a command, and the process exit code. */
@Command(
        name = "cxld",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Userspace CXL management daemon.",
        subcommands = {CaptureCommand.class, MaterializeCommand.class})
public final class Main implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: see the list below.");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree with cxld's error reporting: one line naming the object and the reason. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String msg = e instanceof java.io.IOException ? IoErrors.describe((java.io.IOException) e)
                    : e.getMessage() != null ? e.getMessage() : e.getClass().getName();
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + msg);
            return 1;
        });
        return cl;
    }

    /** {@code cxld --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cxld " + ProjectVersion.get()};
        }
    }
}
