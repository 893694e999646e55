package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.testing.Processes;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** systemd/install lays out a working cxld and cxlctl under a DESTDIR (runs after package). */
class InstallIT {
    static final Path CHECKOUT = Path.of(System.getProperty("cxld.checkout", "..")).toAbsolutePath().normalize();

    @TempDir Path dest;


    @Test
    void installedProgramsRunFromTheirPlaces() throws Exception {
        Processes.run(CHECKOUT.resolve("systemd/install").toString(), dest.toString());
        for (String f : new String[] {"usr/lib/systemd/system/cxld.service", "usr/lib/systemd/system/cxld.socket",
                "usr/lib/tmpfiles.d/cxld.conf", "usr/lib/sysusers.d/cxld.conf",
                "usr/lib/udev/rules.d/90-cxld.rules", "usr/lib/cxld/lib/cxld.jar", "usr/lib/cxlctl/lib/cxlctl.jar"}) {
            assertThat(dest.resolve(f)).isRegularFile();
        }
        assertThat(Processes.run(dest.resolve("usr/lib/cxld/bin/cxld").toString(), "--version")).startsWith("cxld ");
        // /usr/bin/cxlctl is a symlink; the launcher finds its jar through it
        assertThat(Files.isSymbolicLink(dest.resolve("usr/bin/cxlctl"))).isTrue();
        assertThat(Processes.run(dest.resolve("usr/bin/cxlctl").toString(), "--version")).startsWith("cxlctl ");
        // the example configuration checks (all comments: no accelerators), and an edited one is kept
        Path conf = dest.resolve("etc/cxld/cxld.conf");
        assertThat(Processes.run(dest.resolve("usr/lib/cxld/bin/cxld").toString(), "--check-config", "--config",
                conf.toString())).startsWith("read " + conf + "\nsocket ").doesNotContain("accelerator");
        Files.writeString(conf, "[accelerator a]\nserial = 0x100\n");
        Processes.run(CHECKOUT.resolve("systemd/install").toString(), dest.toString());
        assertThat(Files.readString(conf)).isEqualTo("[accelerator a]\nserial = 0x100\n");
    }
}
