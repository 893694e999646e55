package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cxld capture-sysfs} works against a real kernel, and the committed ram1 fixtures are what
 * a guest produces today: the same paths, of the same kinds, with the same identifying values.
 */
class CaptureVmIT {
    @TempDir Path out;

    @Test
    void aFreshCaptureMatchesTheCommittedFixtures() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 900, out, "test/vm/guest/capture-fixtures.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path fixtures = GuestVm.checkout().resolve("cxld/src/test/resources/sysfs");
        for (String state : List.of("empty", "committed", "pending")) {
            String name = "ram1-" + state;
            Path fresh = out.resolve("sysfs").resolve(name);
            assertThat(entries(fresh)).as(name).isEqualTo(entries(fixtures.resolve(name)));
            for (String attr : List.of("bus/cxl/devices/mem0/serial", "bus/cxl/devices/mem0/ram/size",
                    "bus/cxl/devices/decoder0.0/size", "bus/cxl/devices/decoder0.0/target_list")) {
                assertThat(Files.readString(fresh.resolve(attr))).as(name + " " + attr)
                        .isEqualTo(Files.readString(resolveStored(fixtures.resolve(name), attr)));
            }
        }
        assertThat(Files.readString(out.resolve("sysfs/ram1-committed/bus/cxl/devices/region0/commit"))).isEqualTo("1\n");
        assertThat(Files.readString(out.resolve("sysfs/ram1-pending/bus/cxl/devices/region1/commit"))).isEqualTo("0\n");
    }

    /** Manifest entries without the first field's file contents: kind, mode and path. */
    private static List<String> entries(Path capture) throws Exception {
        return Files.readAllLines(capture.resolve("cxld-capture.manifest")).stream()
                .filter(l -> !l.startsWith("#") && !l.startsWith("@"))
                .map(l -> l.startsWith("u\t") ? l.substring(0, l.lastIndexOf('\t')) : l)
                .collect(Collectors.toList());
    }

    /** A stored fixture has no symlinks: follow bus/cxl/devices/X through the manifest by hand. */
    private static Path resolveStored(Path capture, String attr) throws Exception {
        String[] parts = attr.split("/", 5);
        String device = parts[0] + "/" + parts[1] + "/" + parts[2] + "/" + parts[3];
        String target = Files.readAllLines(capture.resolve("cxld-capture.manifest")).stream()
                .filter(l -> l.startsWith("l\t" + device + "\t"))
                .map(l -> l.substring(l.lastIndexOf('\t') + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no link " + device + " in " + capture));
        return capture.resolve(parts[0] + "/" + parts[1] + "/" + parts[2]).resolve(target).normalize().resolve(parts[4]);
    }
}
