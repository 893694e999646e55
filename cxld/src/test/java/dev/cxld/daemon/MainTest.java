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

    @Test
    void checkConfigSaysWhatTheConfigurationSaysOrWhereItIsWrong() throws Exception {
        Path conf = tmp.resolve("cxld.conf");
        java.nio.file.Files.writeString(conf, "[accelerator accel0]\nserial = 0x100\nholder = rt\ncreate-region = yes\n"
                + "user = root\n");
        assertThat(run("--check-config", "--config", conf.toString())).isZero();
        assertThat(out.toString()).startsWith("read " + conf + "\nsocket ").endsWith("\naccelerator accel0 (" + conf
                + ":1): serial 0x100, holder \"rt\", create-region yes, user root (uid 0)\n");

        java.nio.file.Files.writeString(conf, "[accelerator accel0]\nserial = 0x100\nsize = 1G\n");
        assertThat(run("--check-config", "--config", conf.toString())).isEqualTo(78);
        assertThat(err.toString()).isEqualTo("cxld: " + conf + ":3: unknown key size in [accelerator accel0]; known:"
                + " create-region, holder, pci, serial, user\n");
    }

    @Test
    void aDaemonWithABadConfigurationDoesNotStart() {
        assertThat(run("--config", tmp.resolve("missing.conf").toString(), "--sysfs-root", tmp.toString(),
                "--socket", tmp.resolve("s").toString())).isEqualTo(78);
        assertThat(err.toString()).isEqualTo("cxld: " + tmp.resolve("missing.conf") + ": no such file\n");
        assertThat(tmp.resolve("s")).as("no socket was opened").doesNotExist();
    }
}
