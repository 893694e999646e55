package dev.cxld.daemon.sysfs.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.sysfs.capture.ManifestEntry.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureTreeTest {
    @TempDir Path tmp;

    /** As git and Maven leave a capture: files only, no symlinks, no empty directories. */
    private Path storedCapture() throws IOException {
        Path src = tmp.resolve("stored");
        Files.createDirectories(src.resolve("devices/pci/mem0"));
        Files.writeString(src.resolve("devices/pci/mem0/serial"), "0x100\n");
        new CaptureManifest(Map.of("kernel", "6.12"), List.of(
                ManifestEntry.dir("bus"), ManifestEntry.dir("bus/cxl"), ManifestEntry.dir("bus/cxl/devices"),
                ManifestEntry.dir("devices"), ManifestEntry.dir("devices/pci"), ManifestEntry.dir("devices/pci/mem0"),
                ManifestEntry.dir("devices/pci/mem0/power"),
                new ManifestEntry(Kind.FILE, "devices/pci/mem0/serial", "0444", null),
                new ManifestEntry(Kind.WRITE_ONLY, "devices/pci/mem0/trigger_poison_list", "0200", null),
                new ManifestEntry(Kind.UNREADABLE, "devices/pci/resource0", "0600", "Input/output error"),
                ManifestEntry.link("bus/cxl/devices/mem0", "../../../devices/pci/mem0")))
                .write(src);
        return src;
    }

    @Test
    void rebuildsLinksEmptyDirectoriesAndModes() throws IOException {
        Path dest = tmp.resolve("sys");
        CaptureTree.materialize(storedCapture(), dest);

        assertThat(Files.readSymbolicLink(dest.resolve("bus/cxl/devices/mem0"))).isEqualTo(Path.of("../../../devices/pci/mem0"));
        assertThat(Files.readString(dest.resolve("bus/cxl/devices/mem0/serial"))).isEqualTo("0x100\n");
        assertThat(dest.resolve("devices/pci/mem0/power")).isEmptyDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("devices/pci/mem0/serial"))))
                .isEqualTo("r--r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("devices/pci/mem0/trigger_poison_list"))))
                .isEqualTo("-w-------");
        assertThat(dest.resolve("devices/pci/resource0")).isEmptyFile();
        assertThat(CaptureManifest.read(dest)).isEqualTo(CaptureManifest.read(tmp.resolve("stored")));
    }

    @Test
    void aFileMissingFromTheCaptureIsNamed() throws IOException {
        Path src = storedCapture();
        Files.delete(src.resolve("devices/pci/mem0/serial"));
        assertThatThrownBy(() -> CaptureTree.materialize(src, tmp.resolve("sys")))
                .hasMessageContaining("devices/pci/mem0/serial: listed in the manifest but missing from the capture");
    }

    @Test
    void pathsThatEscapeTheCaptureAreRefused() throws IOException {
        Path src = tmp.resolve("evil");
        Files.createDirectories(src);
        new CaptureManifest(Map.of(), List.of(ManifestEntry.dir("../outside"))).write(src);
        assertThatThrownBy(() -> CaptureTree.materialize(src, tmp.resolve("sys")))
                .hasMessageContaining("manifest path escapes the capture: ../outside");
        assertThat(tmp.resolve("outside")).doesNotExist();
    }

    @Test
    void refusesANonEmptyDestination() throws IOException {
        Path dest = Files.createDirectories(tmp.resolve("sys"));
        Files.writeString(dest.resolve("x"), "");
        assertThatThrownBy(() -> CaptureTree.materialize(storedCapture(), dest)).hasMessageContaining("is not empty");
    }
}
