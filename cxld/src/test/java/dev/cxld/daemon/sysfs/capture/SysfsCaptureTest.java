package dev.cxld.daemon.sysfs.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.sysfs.capture.ManifestEntry.Kind;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small sysfs shaped like a QEMU guest's (one host bridge, one memdev) exercises every rule. */
class SysfsCaptureTest {
    static final String MEMDEV_PCI = "devices/pci0000:0c/0000:0c:00.0/0000:0d:00.0";
    static final String MEM0 = MEMDEV_PCI + "/mem0";
    static final String ROOT0 = "devices/platform/ACPI0017:00/root0";
    static final String HB = "devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0016:00";

    @TempDir Path tmp;
    Path sys;

    @BeforeEach
    void buildSysfs() throws IOException {
        sys = tmp.resolve("sys");
        file("bus/cxl/flush", "", "-w-------");
        file("bus/cxl/drivers/cxl_mem/bind", "", "-w-------");
        link("bus/cxl/drivers/cxl_mem/mem0", "../../../../" + MEM0);
        link("bus/cxl/devices/mem0", "../../../" + MEM0);
        link("bus/cxl/devices/root0", "../../../" + ROOT0);
        file(MEM0 + "/serial", "0x100\n", "r--r--r--");
        file(MEM0 + "/ram/size", "0x20000000\n", "r--r--r--");
        file(MEM0 + "/trigger_poison_list", "", "-w-------");
        Files.createDirectories(sys.resolve(MEM0 + "/power"));
        link(MEM0 + "/subsystem", "../../../../../bus/cxl");
        link(MEM0 + "/driver", "../../../../../bus/cxl/drivers/cxl_mem");
        file(MEMDEV_PCI + "/vendor", "0x8086\n", "r--r--r--");
        file(MEMDEV_PCI + "/resource0", "", "rw-------");
        file(MEMDEV_PCI + "/remove", "", "-w--w----");
        file(ROOT0 + "/uevent", "DEVTYPE=cxl_port\n", "rw-r--r--");
        link(ROOT0 + "/uport", "../../ACPI0017:00");
        link(ROOT0 + "/dport12", "../../../LNXSYSTM:00/LNXSYBUS:00/ACPI0016:00");
        file("devices/platform/ACPI0017:00/hid", "ACPI0017\n", "r--r--r--");
        file(HB + "/uid", "12\n", "r--r--r--");
        file(HB + "/sub/deep", "not wanted\n", "r--r--r--");
        link(HB + "/physical_node", "../../../pci0000:0c");
        file("devices/unrelated/secret", "not wanted\n", "r--r--r--");
        file("kernel/uevent_seqnum", "1234\n", "r--r--r--");
    }

    @Test
    void capturesDevicesLinksTheirTargetsAndParents() throws IOException {
        Path out = tmp.resolve("out");
        Map<String, ManifestEntry> m = byPath(capture(out));

        assertThat(m.get("bus/cxl/devices/mem0")).isEqualTo(ManifestEntry.link("bus/cxl/devices/mem0", "../../../" + MEM0));
        assertThat(m.get(MEM0 + "/serial").kind()).isEqualTo(Kind.FILE);
        assertThat(m.get(MEM0 + "/serial").mode()).isEqualTo("0444");
        assertThat(m.get(MEM0 + "/power")).isEqualTo(ManifestEntry.dir(MEM0 + "/power"));
        assertThat(m.get(ROOT0 + "/uevent").mode()).isEqualTo("0644");
        // parents of captured devices, one level deep
        assertThat(m.get(MEMDEV_PCI + "/vendor").kind()).isEqualTo(Kind.FILE);
        assertThat(m.get("devices/platform/ACPI0017:00/hid").kind()).isEqualTo(Kind.FILE);
        // link targets outside the devices, one level deep, their own links kept but not followed
        assertThat(m.get(HB + "/uid").kind()).isEqualTo(Kind.FILE);
        assertThat(m.get(HB + "/physical_node").detail()).isEqualTo("../../../pci0000:0c");
        assertThat(m).doesNotContainKey(HB + "/sub/deep").doesNotContainKey("devices/unrelated/secret");
        assertThat(m.get("kernel/uevent_seqnum").kind()).isEqualTo(Kind.FILE);
        // the copy reads like the original, through its links
        assertThat(Files.readString(out.resolve("bus/cxl/devices/mem0/serial"))).isEqualTo("0x100\n");
        assertThat(Files.readString(out.resolve("bus/cxl/devices/root0/dport12/uid"))).isEqualTo("12\n");
        assertThat(Files.isSymbolicLink(out.resolve(MEM0 + "/subsystem"))).isTrue();
    }

    @Test
    void writeOnlyAttributesAreRecordedNotRead() throws IOException {
        Path out = tmp.resolve("out");
        Map<String, ManifestEntry> m = byPath(capture(out));

        assertThat(m.get("bus/cxl/flush")).isEqualTo(new ManifestEntry(Kind.WRITE_ONLY, "bus/cxl/flush", "0200", null));
        assertThat(m.get(MEM0 + "/trigger_poison_list").kind()).isEqualTo(Kind.WRITE_ONLY);
        assertThat(m.get(MEMDEV_PCI + "/remove").mode()).isEqualTo("0220");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("bus/cxl/flush"))))
                .isEqualTo("-w-------");
    }

    @Test
    void failedReadsAreRecordedWithTheirReason() throws IOException {
        AttributeReader failing = (file, limit) -> {
            if (file.getFileName().toString().equals("resource0")) {
                throw new FileSystemException(file.toString(), null, "Input/output error");
            }
            return AttributeReader.files().read(file, limit);
        };
        Path out = tmp.resolve("out");
        Map<String, ManifestEntry> m = byPath(new SysfsCapture(sys, failing).capture(out, Map.of()));

        assertThat(m.get(MEMDEV_PCI + "/resource0"))
                .isEqualTo(new ManifestEntry(Kind.UNREADABLE, MEMDEV_PCI + "/resource0", "0600", "Input/output error"));
        assertThat(out.resolve(MEMDEV_PCI + "/resource0")).exists().isEmptyFile();
    }

    @Test
    void oversizedAttributesAreRecordedNotCopied() throws IOException {
        AttributeReader huge = (file, limit) -> new byte[limit + 1];
        Map<String, ManifestEntry> m = byPath(new SysfsCapture(sys, huge).capture(tmp.resolve("out"), Map.of()));
        assertThat(m.get(MEM0 + "/serial").kind()).isEqualTo(Kind.UNREADABLE);
        assertThat(m.get(MEM0 + "/serial").detail()).isEqualTo("larger than 1048576 bytes, not captured");
    }

    @Test
    void notesAndTheSourceAreKept() throws IOException {
        CaptureManifest m = new SysfsCapture(sys, AttributeReader.files()).capture(tmp.resolve("out"), Map.of("qemu", "10.0.2"));
        assertThat(m.notes()).containsEntry("qemu", "10.0.2").containsEntry("source", sys.toRealPath().toString());
        assertThat(CaptureManifest.read(tmp.resolve("out"))).isEqualTo(m);
    }

    @Test
    void refusesANonEmptyOutputAndASysfsWithoutCxl() throws IOException {
        file("../busy/x", "", "rw-r--r--");
        assertThatThrownBy(() -> capture(tmp.resolve("busy"))).hasMessageContaining("directory is not empty");
        Path empty = Files.createDirectories(tmp.resolve("nocxl"));
        assertThatThrownBy(() -> new SysfsCapture(empty, AttributeReader.files()).capture(tmp.resolve("o2"), Map.of()))
                .hasMessageContaining("bus/cxl: no CXL bus in this sysfs");
        assertThatThrownBy(() -> new SysfsCapture(tmp.resolve("nope"), AttributeReader.files()).capture(tmp.resolve("o3"), Map.of()))
                .hasMessageContaining("nope: no such directory");
    }

    @Test
    void octalModes() {
        assertThat(SysfsCapture.octal(PosixFilePermissions.fromString("rw-r--r--"))).isEqualTo("0644");
        assertThat(SysfsCapture.octal(PosixFilePermissions.fromString("-w-------"))).isEqualTo("0200");
        assertThat(SysfsCapture.octal(PosixFilePermissions.fromString("rwxrwxrwx"))).isEqualTo("0777");
    }

    private CaptureManifest capture(Path out) throws IOException {
        return new SysfsCapture(sys, AttributeReader.files()).capture(out, Map.of());
    }

    private static Map<String, ManifestEntry> byPath(CaptureManifest m) {
        return m.entries().stream().collect(Collectors.toMap(ManifestEntry::path, Function.identity()));
    }

    private void file(String rel, String content, String perms) throws IOException {
        Path p = sys.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    private void link(String rel, String target) throws IOException {
        Path p = sys.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(target));
    }
}
