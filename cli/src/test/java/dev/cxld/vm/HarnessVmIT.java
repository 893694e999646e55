package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** test/vm/cxlvm boots every topology, returns the script's output and status, and never hangs. */
class HarnessVmIT {
    static final String MIB_512 = "0x20000000";
    // The 6.12 kernel prints a zero size as "0x0" (its vsprintf keeps the prefix for zero).

    @ParameterizedTest
    @ValueSource(strings = {"ram1", "ram3", "pmem2", "switch2"})
    void bootsEachTopologyWithItsDevices(String topology) throws Exception {
        GuestVm.Result r = GuestVm.run(topology, 240, null, "test/vm/guest/topology-facts.sh");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> memdevs = lines(r.stdout(), "memdev ");
        List<String> ports = lines(r.stdout(), "port ");
        List<String> endpoints = lines(r.stdout(), "endpoint ");
        switch (topology) {
            case "ram1":
                assertThat(memdevs).containsExactly("memdev mem0 ram=" + MIB_512 + " pmem=0x0 serial=0x100 lsa=0 devnode=yes");
                assertThat(ports).containsExactly("port port1 depth=1");
                break;
            case "ram3":
                assertThat(memdevs).hasSize(3).allMatch(l -> l.contains("ram=" + MIB_512 + " pmem=0x0"));
                assertThat(serials(memdevs)).containsExactlyInAnyOrder("0x100", "0x101", "0x102");
                assertThat(ports).containsExactly("port port1 depth=1");
                break;
            case "pmem2":
                assertThat(memdevs).hasSize(2).allMatch(l -> l.contains("ram=0x0 pmem=" + MIB_512 + " "))
                        .allMatch(l -> l.contains("lsa=262144"));
                assertThat(serials(memdevs)).containsExactlyInAnyOrder("0x200", "0x201");
                break;
            case "switch2":
                assertThat(memdevs).hasSize(2).allMatch(l -> l.contains("ram=" + MIB_512));
                assertThat(ports).containsExactlyInAnyOrder("port port1 depth=1", "port port2 depth=2");
                break;
            default:
                throw new AssertionError(topology);
        }
        assertThat(memdevs).allMatch(l -> l.endsWith("devnode=yes"));
        assertThat(endpoints).hasSameSizeAs(memdevs);
    }

    @Test
    void returnsTheScriptsOutputAndExitStatus() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 120, null, "test/vm/guest/exit-with.sh", "7");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("to stdout 7\n");
        assertThat(r.stderr()).isEqualTo("to stderr 7\n");
    }

    @Test
    void endsAHungGuestAndShowsTheConsoleTail() throws Exception {
        GuestVm.Result r = GuestVm.run("ram1", 40, null, "test/vm/guest/exit-with.sh", "hang");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(124);
        assertThat(r.stderr()).contains("cxlvm: guest (ram1) timed out after 40s; console tail:")
                .contains("cxlvm-init: running script");
    }

    /**
     * QEMU's multi-threaded TCG can abort on an assertion of its own before the guest runs anything
     * (seen once in CI: iotlb_to_section): cxlvm boots once more then, and only then. A QEMU on the
     * PATH that aborts its first N boots stands in for it.
     */
    @Test
    void aQemuThatAbortsBeforeTheScriptIsBootedOnceMoreAndOnlyOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path fake = tmp.resolve("qemu-system-x86_64");
        String real = new String(new ProcessBuilder("sh", "-c", "command -v qemu-system-x86_64").start().getInputStream()
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        java.nio.file.Files.writeString(fake, "#!/bin/bash\n"
                + "case \" $* \" in *\" -accel \"*)\n"
                + "  n=$(cat '" + tmp + "/boots' 2>/dev/null || echo 0); echo $((n + 1)) > '" + tmp + "/boots'\n"
                + "  [ \"$n\" -lt \"$(cat '" + tmp + "/aborts')\" ] && kill -ABRT $$ ;;\n"
                + "esac\n"
                + "exec '" + real + "' \"$@\"\n");
        fake.toFile().setExecutable(true);
        java.util.Map<String, String> env = java.util.Map.of("PATH", tmp + ":" + System.getenv("PATH"));

        java.nio.file.Files.writeString(tmp.resolve("aborts"), "1");
        GuestVm.Result once = GuestVm.run(env, "ram1", 120, null, "test/vm/guest/exit-with.sh", "7");
        assertThat(once.exitCode()).as(once.toString()).isEqualTo(7);
        assertThat(once.stdout()).isEqualTo("to stdout 7\n");
        assertThat(once.stderr()).contains("cxlvm: QEMU aborted (status 134) before the guest ran the script;"
                + " booting the guest again").endsWith("to stderr 7\n");
        assertThat(java.nio.file.Files.readString(tmp.resolve("boots")).strip()).isEqualTo("2");

        java.nio.file.Files.delete(tmp.resolve("boots"));
        java.nio.file.Files.writeString(tmp.resolve("aborts"), "9");
        GuestVm.Result always = GuestVm.run(env, "ram1", 120, null, "test/vm/guest/exit-with.sh", "7");
        assertThat(always.exitCode()).as(always.toString()).isEqualTo(125);
        assertThat(always.stderr()).contains("without finishing the script (qemu status 134)");
        assertThat(java.nio.file.Files.readString(tmp.resolve("boots")).strip()).as("booted twice, not more").isEqualTo("2");
    }

    /**
     * A guest kernel can also stop dead in its first second under TCG (seen once in CI: the console's
     * last line at 0.4 s, then nothing until the 900 s timeout): a guest that has not started the
     * script after CXLVM_BOOT_LIMIT seconds is ended and booted once more, within the same -T
     * budget. A QEMU on the PATH that hangs on its first N boots stands in for it.
     */
    @Test
    void aGuestThatNeverReachesTheScriptIsBootedOnceMoreWithinTheBudget(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path fake = tmp.resolve("qemu-system-x86_64");
        String real = new String(new ProcessBuilder("sh", "-c", "command -v qemu-system-x86_64").start().getInputStream()
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        java.nio.file.Files.writeString(fake, "#!/bin/bash\n"
                + "case \" $* \" in *\" -accel \"*)\n"
                + "  n=$(cat '" + tmp + "/boots' 2>/dev/null || echo 0); echo $((n + 1)) > '" + tmp + "/boots'\n"
                + "  [ \"$n\" -lt \"$(cat '" + tmp + "/hangs')\" ] && exec sleep 1000 ;;\n"
                + "esac\n"
                + "exec '" + real + "' \"$@\"\n");
        fake.toFile().setExecutable(true);
        java.util.Map<String, String> env = java.util.Map.of("PATH", tmp + ":" + System.getenv("PATH"),
                "CXLVM_BOOT_LIMIT", "10");

        java.nio.file.Files.writeString(tmp.resolve("hangs"), "1");
        GuestVm.Result once = GuestVm.run(env, "ram1", 150, null, "test/vm/guest/exit-with.sh", "7");
        assertThat(once.exitCode()).as(once.toString()).isEqualTo(7);
        assertThat(once.stdout()).isEqualTo("to stdout 7\n");
        assertThat(once.stderr()).contains("cxlvm: the guest did not start the script within 10s of booting;")
                .contains("cxlvm: booting the guest again").endsWith("to stderr 7\n");
        assertThat(java.nio.file.Files.readString(tmp.resolve("boots")).strip()).isEqualTo("2");

        java.nio.file.Files.delete(tmp.resolve("boots"));
        java.nio.file.Files.writeString(tmp.resolve("hangs"), "9");
        GuestVm.Result always = GuestVm.run(env, "ram1", 30, null, "test/vm/guest/exit-with.sh", "7");
        assertThat(always.exitCode()).as(always.toString()).isEqualTo(124);
        assertThat(always.stderr()).contains("cxlvm: guest (ram1) timed out after 30s");
        assertThat(always.millis()).as("both boots within the -T budget").isLessThan(30_000 + 20_000);
        assertThat(java.nio.file.Files.readString(tmp.resolve("boots")).strip()).as("booted twice, not more").isEqualTo("2");
    }

    private static List<String> lines(String out, String prefix) {
        return Arrays.stream(out.split("\n")).filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    private static List<String> serials(List<String> memdevs) {
        return memdevs.stream().map(l -> l.replaceAll(".* serial=(\\S+) .*", "$1")).collect(Collectors.toList());
    }
}
