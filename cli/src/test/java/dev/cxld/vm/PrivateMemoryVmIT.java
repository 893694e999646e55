package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A handed-off region is private memory, by the kernel's own account (ram1 guest with kmem, see
 * test/vm/guest/private-memory.sh): before attach its range is System RAM (kmem) in /proc/iomem
 * and counted in MemTotal; after attach no byte of it is System RAM, MemTotal is smaller by its
 * size, its dax device is bound to device_dax, and a program maps /dev/daxX.Y and reads back what
 * it wrote; after detach it is System RAM again; after detach --keep-devdax it stays private.
 */
class PrivateMemoryVmIT {
    @TempDir Path out;

    @Test
    void attachTakesTheRegionOutOfSystemRamAndDetachGivesItBack() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 420, out, "test/vm/guest/private-memory.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String[] region = read("region.txt").strip().split(" ");
        String dax = region[1];
        long start = Long.decode(region[2]);
        long size = Long.decode(region[3]);
        long end = start + size - 1;

        assertThat(read("before.driver").strip()).isEqualTo("kmem");
        assertThat(systemRam(read("before.iomem"), start, end)).as("System RAM before attach").isTrue();

        assertThat(rc("attach")).as(read("attach.err") + read("cxld.log")).isZero();
        JsonNode h = Json.mapper().readTree(read("attach.out"));
        JsonNode pm = h.get("private_memory");
        assertThat(pm.get("dax").asText()).isEqualTo(dax);
        assertThat(pm.get("device").asText()).isEqualTo("/dev/" + dax);
        assertThat(pm.get("size").asLong()).isEqualTo(size);
        assertThat(pm.get("align").asLong()).isEqualTo(2L << 20);
        assertThat(pm.get("driver_before").asText()).isEqualTo("kmem");
        assertThat(pm.get("offlined").size()).isEqualTo((int) (size / (128L << 20)));
        assertThat(pm.get("system_ram").asBoolean()).isFalse();
        // what the kernel says
        assertThat(read("attached.driver").strip()).isEqualTo("device_dax");
        assertThat(systemRam(read("attached.iomem"), start, end)).as(read("attached.iomem")).isFalse();
        assertThat(memTotal("before") - memTotal("attached")).isEqualTo(size / 1024);
        assertThat(read("attached.node")).startsWith("c");
        assertThat(read("mmap.txt").strip()).isEqualTo("mapped 2097152 bytes: read back equal");
        assertThat(rc("destroy-held")).isEqualTo(1); // ndctl's destroy-region exits 1 on any failure
        assertThat(read("destroy-held.err")).contains("would invalidate the handoff of");

        assertThat(rc("detach")).as(read("detach.err")).isZero();
        assertThat(Json.mapper().readTree(read("detach.out")).get("memory").asText())
                .isEqualTo("given back as it was before attach");
        assertThat(read("released.driver").strip()).isEqualTo("kmem");
        assertThat(systemRam(read("released.iomem"), start, end)).as("System RAM again").isTrue();
        assertThat(memTotal("released")).isEqualTo(memTotal("before"));

        assertThat(rc("attach-2")).as(read("attach-2.err")).isZero();
        assertThat(rc("detach-keep")).as(read("detach-keep.err")).isZero();
        assertThat(read("kept.driver").strip()).isEqualTo("device_dax");
        assertThat(systemRam(read("kept.iomem"), start, end)).isFalse();
        assertThat(memTotal("kept")).isEqualTo(memTotal("before") - size / 1024);
    }

    /** Whether /proc/iomem has a System RAM range that overlaps [start, end]. */
    static boolean systemRam(String iomem, long start, long end) {
        for (String line : iomem.lines().toList()) {
            String l = line.strip();
            if (!l.contains("System RAM")) {
                continue;
            }
            String[] range = l.substring(0, l.indexOf(' ')).split("-");
            long s = Long.parseUnsignedLong(range[0], 16);
            long e = Long.parseUnsignedLong(range[1], 16);
            if (Long.compareUnsigned(s, end) <= 0 && Long.compareUnsigned(e, start) >= 0) {
                return true;
            }
        }
        return false;
    }

    long memTotal(String point) throws Exception {
        return Long.parseLong(read(point + ".memtotal").strip());
    }

    int rc(String step) throws Exception {
        return Integer.parseInt(read(step + ".rc").strip());
    }

    String read(String name) throws Exception {
        Path p = out.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "";
    }

}
