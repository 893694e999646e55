package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.protocol.ProjectVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CxlCtlTest {
    @Test
    void versionNamesTheProgramAndTheBuild() {
        StringWriter out = new StringWriter();
        CommandLine cl = CxlCtl.commandLine(new CxlCtl());
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--version")).isZero();
        assertThat(out.toString().trim()).isEqualTo("cxlctl " + ProjectVersion.get());
    }

    @Test
    void noCommandIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = CxlCtl.commandLine(new CxlCtl());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing command").contains("Usage: cxlctl");
    }

    @Test
    void theTableNamesEachSubcommandAsItsAnnotationDoes() {
        for (Map.Entry<String, Class<?>> e : CxlCtl.SUBCOMMANDS.entrySet()) {
            assertThat(e.getValue().getAnnotation(CommandLine.Command.class).name()).as(e.getValue().getName()).isEqualTo(e.getKey());
        }
        assertThat(CxlCtl.commandLine(new CxlCtl()).getSubcommands().keySet()).containsExactlyElementsOf(CxlCtl.SUBCOMMANDS.keySet());
    }

    @Test
    void aCallBuildsOnlyTheSubcommandItNames() {
        assertThat(subcommands("list", "-M")).containsExactly("list");
        assertThat(subcommands("--socket", "/tmp/s", "status")).containsExactly("status");
        assertThat(subcommands("--socket=/tmp/s", "attach-region", "mem0")).containsExactly("attach-region");
        assertThat(subcommands("--version")).isEmpty();
        assertThat(subcommands("--help")).hasSize(CxlCtl.SUBCOMMANDS.size());
        assertThat(subcommands()).hasSize(CxlCtl.SUBCOMMANDS.size());
        assertThat(subcommands("lsit")).hasSize(CxlCtl.SUBCOMMANDS.size());
    }

    @Test
    void aMistypedCommandIsReportedAgainstTheWholeTree() {
        StringWriter err = new StringWriter();
        CommandLine cl = CxlCtl.commandLine(new CxlCtl(), "lsit");
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("lsit")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument at index 0: 'lsit'").containsPattern("Did you mean: (cxlctl [a-z-]+ or )*cxlctl labels");
    }

    @Test
    void helpOfOneSubcommandWorksOnItsOwnTree() {
        StringWriter out = new StringWriter();
        CommandLine cl = CxlCtl.commandLine(new CxlCtl(), "list", "--help");
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("list", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: cxlctl list");
    }

    private static java.util.Set<String> subcommands(String... args) {
        return CxlCtl.commandLine(new CxlCtl(), args).getSubcommands().keySet();
    }

    @Test
    void monitorsDetachedChildLogsWhereTheCommandLineSaysOnce() {
        // the child parses its arguments with the same picocli options: a second --log is a usage error
        java.util.List<String> named = MonitorCommand.childArguments(
                java.util.List.of("-jar", "cxlctl.jar", "monitor", "--daemon", "--format", "ndctl", "-l", "/tmp/m.log"), null);
        assertThat(named).containsExactly("-jar", "cxlctl.jar", "monitor", "--format", "ndctl", "-l", "/tmp/m.log");
        java.util.List<String> byDefault = MonitorCommand.childArguments(
                java.util.List.of("-jar", "cxlctl.jar", "monitor", "--daemon"), "/var/log/cxl-monitor.log");
        assertThat(byDefault).containsExactly("-jar", "cxlctl.jar", "monitor", "--log=/var/log/cxl-monitor.log");
        for (java.util.List<String> argv : java.util.List.of(named, byDefault)) {
            CommandLine cl = CxlCtl.commandLine(new CxlCtl());
            CommandLine.ParseResult parsed = cl.parseArgs(argv.subList(2, argv.size()).toArray(new String[0]));
            assertThat(parsed.subcommand().matchedOption("--log")).as(argv.toString()).isNotNull();
        }
    }
}
