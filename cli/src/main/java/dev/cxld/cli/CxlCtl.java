package dev.cxld.cli;

import dev.cxld.protocol.ProjectVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** cxlctl: the command line client of cxld. */
@Command(
        name = "cxlctl",
        mixinStandardHelpOptions = true,
        versionProvider = CxlCtl.Version.class,
        description = "Command line client of the cxld CXL management daemon.")
public final class CxlCtl implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: see the list below.");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CxlCtl()).execute(args));
    }

    /** {@code cxlctl --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cxlctl " + ProjectVersion.get()};
        }
    }
}
