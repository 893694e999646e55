package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.protocol.ProjectVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
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
}
