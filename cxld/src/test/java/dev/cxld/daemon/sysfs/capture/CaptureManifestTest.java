package dev.cxld.daemon.sysfs.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.sysfs.capture.ManifestEntry.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureManifestTest {
    @TempDir Path dir;

    @Test
    void roundTripsEveryKindNotesAndOddCharacters() throws IOException {
        CaptureManifest m = new CaptureManifest(
                Map.of("kernel", "6.12.95+deb12-amd64"),
                List.of(
                        ManifestEntry.link("bus/cxl/devices/mem0", "../../../devices/pci0000:0c/mem0"),
                        ManifestEntry.dir("bus"),
                        new ManifestEntry(Kind.FILE, "devices/x/serial", "0444", null),
                        new ManifestEntry(Kind.WRITE_ONLY, "bus/cxl/flush", "0200", null),
                        new ManifestEntry(Kind.UNREADABLE, "devices/x/resource0", "0600", "Input/output error"),
                        new ManifestEntry(Kind.FILE, "devices/we\tird\\name\n", "0644", null)));
        m.write(dir);

        CaptureManifest back = CaptureManifest.read(dir);

        assertThat(back).isEqualTo(m);
        assertThat(back.entries()).extracting(ManifestEntry::path).isSorted();
        assertThat(Files.readString(dir.resolve(CaptureManifest.FILE_NAME)))
                .startsWith("# cxld sysfs capture, format 1\n@kernel\t6.12.95+deb12-amd64\n")
                .contains("u\t0600\tdevices/x/resource0\tInput/output error\n")
                .contains("devices/we\\tird\\\\name\\n\n");
    }

    @Test
    void malformedLinesAreReportedWithTheirLineNumber() throws IOException {
        Files.writeString(dir.resolve(CaptureManifest.FILE_NAME), "# header\nd\tbus\nf\t644\tbus/x\n");
        assertThatThrownBy(() -> CaptureManifest.read(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(":3: malformed manifest line: bad mode '644'");
    }

    @Test
    void unknownTagsAndMissingFieldsAreRejected() throws IOException {
        Files.writeString(dir.resolve(CaptureManifest.FILE_NAME), "x\tbus\n");
        assertThatThrownBy(() -> CaptureManifest.read(dir)).hasMessageContaining("unknown manifest entry tag 'x'");
        Files.writeString(dir.resolve(CaptureManifest.FILE_NAME), "l\tbus/cxl/devices/mem0\n");
        assertThatThrownBy(() -> CaptureManifest.read(dir)).hasMessageContaining("LINK needs 3 fields, found 2");
    }

    @Test
    void aDirectoryWithoutManifestIsNotACapture() {
        assertThatThrownBy(() -> CaptureManifest.read(dir)).hasMessageContaining("not a cxld sysfs capture");
    }

    @Test
    void absolutePathsAreRejected() {
        assertThatThrownBy(() -> ManifestEntry.dir("/sys/bus"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be relative");
    }
}
