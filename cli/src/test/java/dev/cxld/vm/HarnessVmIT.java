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
        GuestVm.Result r = GuestVm.run(topology, 120, null, "test/vm/guest/topology-facts.sh");
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

    private static List<String> lines(String out, String prefix) {
        return Arrays.stream(out.split("\n")).filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    private static List<String> serials(List<String> memdevs) {
        return memdevs.stream().map(l -> l.replaceAll(".* serial=(\\S+) .*", "$1")).collect(Collectors.toList());
    }
}
