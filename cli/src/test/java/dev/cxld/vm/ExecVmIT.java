package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime that is not root maps the memory it was handed, on a real kernel (ram1, kmem loaded,
 * a committed single-target region made by raw sysfs writes, System RAM at first): through
 * {@code cxlctl attach-region --exec} (descriptor 3 inherited, the node granted to its user for the
 * lease) and by asking cxld for the descriptor itself (SCM_RIGHTS, no grant: the node stays
 * root's). While held, /proc/iomem shows no System RAM in the range and MemTotal is down by the
 * region's size; a pattern written at both ends of the range reads back; when the holder exits the
 * memory is System RAM again and the node root's. See test/vm/guest/exec.sh and holder.py.
 */
class ExecVmIT {
    @TempDir Path out;

    @Test
    void aRuntimeThatIsNotRootMapsExactlyTheMemoryItWasHanded() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 600, out, "test/vm/guest/exec.sh");
        String log = read("cxld.log");
        assertThat(r.exitCode()).as(r + log).isZero();
        String[] names = read("region.txt").strip().split(" ");
        String memdev = names[0];
        String region = names[1];
        String dax = names[2];
        long start = Long.decode(names[3]);
        long size = Long.decode(names[4]);
        long end = start + size - 1;

        assertThat(read("before.driver").strip()).isEqualTo("kmem");
        assertThat(PrivateMemoryVmIT.systemRam(read("before.iomem"), start, end)).as("System RAM before").isTrue();
        long memTotal = Long.parseLong(read("before.memtotal").strip());
        assertThat(read("before.node").strip()).isEqualTo("0 0 600");

        // 1. --exec: descriptor 3, the node the holder's for the lease
        JsonNode exec = Json.mapper().readTree(read("exec.json"));
        assertThat(exec.get("how").asText()).as(read("exec.err") + log).isEqualTo("exec");
        assertThat(exec.get("uid").asInt()).isEqualTo(65534);
        assertThat(exec.get("fd").asInt()).isEqualTo(3);
        assertThat(exec.get("fdnames").asText()).isEqualTo(dax);
        assertThat(exec.get("region").asText()).isEqualTo(region);
        assertThat(exec.get("target").asText()).isEqualTo("/dev/" + dax);
        assertThat(exec.get("read_back").asText()).isEqualTo("equal");
        assertThat(exec.get("open_by_path").asText()).as("granted for the lease").isEqualTo("ok");
        assertThat(read("exec-held.active").strip()).isEqualTo("1");
        assertPrivate("exec-held", start, end, memTotal, size);
        assertThat(read("exec-held.node").strip()).isEqualTo("65534 0 600");
        JsonNode status = Json.mapper().readTree(read("status-exec.out"));
        JsonNode held = status.at("/handoffs/active").get(0);
        assertThat(held.at("/holder/uid").asInt()).isEqualTo(65534);
        assertThat(held.at("/lease/kind").asText()).isEqualTo("connection");
        assertThat(held.at("/private_memory/grant").toString())
                .isEqualTo("{\"uid\":65534,\"uid_before\":0,\"gid_before\":0,\"mode_before\":384}");
        assertThat(Integer.parseInt(read("exec.rc").strip())).as("the command's status: " + read("exec.err")).isZero();
        assertReleased("exec-released", start, end, memTotal);
        assertThat(read("exec-after-open.txt").strip()).as("no access once the lease is over").isEqualTo("EACCES");
        assertThat(log).contains("released " + region + " of " + memdev + " from nobody")
                .contains("its lease ended: the connection that held it closed");

        // 2. the descriptor asked for over the socket: no grant, the node stays root's
        JsonNode ask = Json.mapper().readTree(read("ask.json"));
        assertThat(ask.get("how").asText()).as(read("ask.err") + log).isEqualTo("ask");
        assertThat(ask.get("uid").asInt()).isEqualTo(65534);
        assertThat(ask.get("target").asText()).isEqualTo("/dev/" + dax);
        assertThat(ask.get("read_back").asText()).isEqualTo("equal");
        assertThat(ask.get("open_by_path").asText()).as("only the descriptor it was given").isEqualTo("EACCES");
        assertPrivate("ask-held", start, end, memTotal, size);
        assertThat(read("ask-held.node").strip()).isEqualTo("0 0 600");
        assertThat(Integer.parseInt(read("ask.rc").strip())).as(read("ask.err")).isZero();
        assertReleased("ask-released", start, end, memTotal);
        assertThat(Json.mapper().readTree(read("status-end.out")).at("/handoffs/active")).isEmpty();
    }

    private void assertPrivate(String point, long start, long end, long memTotal, long size) throws Exception {
        assertThat(read(point + ".driver").strip()).isEqualTo("device_dax");
        assertThat(PrivateMemoryVmIT.systemRam(read(point + ".iomem"), start, end)).as(point + ": no System RAM in the range").isFalse();
        assertThat(memTotal - Long.parseLong(read(point + ".memtotal").strip())).as(point + ": MemTotal down by the region")
                .isEqualTo(size / 1024);
    }

    private void assertReleased(String point, long start, long end, long memTotal) throws Exception {
        assertThat(read(point + ".active").strip()).isEqualTo("0");
        assertThat(read(point + ".driver").strip()).isEqualTo("kmem");
        assertThat(PrivateMemoryVmIT.systemRam(read(point + ".iomem"), start, end)).as(point + ": System RAM again").isTrue();
        assertThat(Long.parseLong(read(point + ".memtotal").strip())).isEqualTo(memTotal);
        assertThat(read(point + ".node").strip()).as(point + ": the node root's again").isEqualTo("0 0 600");
    }

    private String read(String name) throws Exception {
        Path p = out.resolve(name);
        return Files.exists(p) ? Files.readString(p) : "(no " + name + ")";
    }
}
