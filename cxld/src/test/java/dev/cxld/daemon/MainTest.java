package dev.cxld.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.protocol.ProjectVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    @TempDir Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void version() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString().trim()).isEqualTo("cxld " + ProjectVersion.get());
    }

    @Test
    void failuresAreOneLineNamingTheCommandTheFileAndTheReason() {
        assertThat(run("capture-sysfs", "--sysfs-root", tmp.resolve("none").toString(), tmp.resolve("out").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).isEqualTo("cxld capture-sysfs: " + tmp.resolve("none") + ": no such directory\n");
    }

    @Test
    void captureThenMaterializeFromTheCommandLine() {
        assertThat(run("materialize-capture", tmp.toString(), tmp.resolve("x").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("cxld materialize-capture: ").contains("not a cxld sysfs capture");
    }
}
