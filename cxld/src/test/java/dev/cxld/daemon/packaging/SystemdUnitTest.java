package dev.cxld.daemon.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.cxld.daemon.testing.Prerequisites.require;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd/cxld.service passes `systemd-analyze verify` without a single warning, and keeps what
 * cxld needs: a writable /sys, /dev/cxl, netlink, and no JIT-breaking or /sys-freezing settings.
 */
class SystemdUnitTest {
    static final Path UNIT = Path.of("").toAbsolutePath().getParent().resolve("systemd/cxld.service");

    @TempDir Path tmp;

    @Test
    void theUnitVerifiesCleanly() throws Exception {
        require(new File("/usr/bin/systemd-analyze").canExecute(), "needs systemd-analyze (test/install-deps installs it)");
        // verify checks that ExecStart exists: point it at this checkout's launcher
        Path launcher = UNIT.getParent().getParent().resolve("cxld/bin/cxld");
        Path client = UNIT.getParent().getParent().resolve("cli/bin/cxlctl");
        Path unit = tmp.resolve("cxld.service");
        Files.writeString(unit, Files.readString(UNIT).replace("/usr/lib/cxld/bin/cxld", launcher.toString())
                .replace("/usr/lib/cxlctl/bin/cxlctl", client.toString()));
        Path socket = tmp.resolve("cxld.socket");
        Files.copy(UNIT.resolveSibling("cxld.socket"), socket);
        Process p = new ProcessBuilder("systemd-analyze", "verify", "--man=no", unit.toString(), socket.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).as("systemd-analyze warnings").isEmpty();
    }

    @Test
    void theUnitKeepsWhatCxldNeeds() throws Exception {
        String unit = Files.readString(UNIT);
        assertThat(unit).contains("DeviceAllow=char-cxl rw", "RestrictAddressFamilies=AF_UNIX AF_NETLINK",
                "RuntimeDirectory=cxld", "StateDirectory=cxld", "--socket /run/cxld/cxld.sock", "Type=notify",
                "RuntimeDirectoryPreserve=yes", "SuccessExitStatus=143", "ExecReload=/usr/lib/cxlctl/bin/cxlctl reload",
                "Also=cxld.socket");
        assertThat(Files.readString(UNIT.resolveSibling("cxld.socket"))).contains("ListenStream=/run/cxld/cxld.sock");
        for (String forbidden : new String[] {"ProtectKernelTunables=yes", "PrivateDevices=yes", "MemoryDenyWriteExecute=yes"}) {
            assertThat(unit.lines().filter(l -> !l.startsWith("#"))).noneMatch(l -> l.startsWith(forbidden));
        }
    }
}
