package dev.cxld.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlDebugfs;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What cxld writes, and refuses before writing, for ndctl's verbs (enable-/disable-port,
 * disable-bus, reserve-/free-dpa, poison and protocol error injection, firmware update), on trees
 * captured in guests. A captured tree takes the writes without changing as the kernel would; that
 * the kernel follows is proven in the cxl_test guest (CxlTestVmIT, NdctlSuiteVmIT).
 */
class NdctlVerbsControlTest {
    @TempDir Path tmp;
    Path sys;
    Snapshots snapshots;
    String held;

    void install(String fixture) throws Exception {
        sys = SysfsFixtures.install(fixture, tmp);
        snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), new EventBus(Clock.systemUTC()));
    }

    MemdevControl.Guard guard() {
        return (name, op) -> {
            if (name.equals(held)) {
                throw new Refusal(ErrorCode.LOCKED, op + " would invalidate the handoff of " + name);
            }
            return () -> { };
        };
    }

    static ErrorCode code(Throwable t) {
        return ((Refusal) t).error().code();
    }

    String read(String path) throws Exception {
        return Files.readString(sys.resolve(path));
    }

    @Test
    void aPortWithEnabledMemdevsBelowIsDisabledOnlyByForceAndNeverUnderAHandoff() throws Exception {
        install("ram3-committed");
        PortControl ports = new PortControl(new SysfsAttributes(sys), snapshots, guard());
        assertThatThrownBy(() -> ports.disable("port1", false, false)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.IN_USE))
                .hasMessageStartingWith("port1 hosts 3 memdevs which are part of an active region (mem0, mem1, mem2)");
        assertThat(read("bus/cxl/drivers/cxl_port/unbind")).as("nothing written").isEmpty();
        held = "mem1";
        assertThatThrownBy(() -> ports.disable("port1", false, true)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED));
        held = null;
        // forced: written; the captured tree stays as it was, which cxld reports as the kernel's refusal
        assertThatThrownBy(() -> ports.disable("port1", false, true)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.KERNEL_ERROR))
                .hasMessageContaining("still enabled");
        assertThat(read("bus/cxl/drivers/cxl_port/unbind")).isEqualTo("port1");
        assertThatThrownBy(() -> ports.disable("root0", false, true)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("can not be disabled through this interface");
        assertThatThrownBy(() -> ports.disable("port9", false, false)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageStartingWith("port: port9 not found");
        // by number and by host device, as ndctl's port filter
        assertThat(PortControl.find(snapshots.fresh().topology(), "1", false).port()).isEqualTo("port1");
        String host = snapshots.fresh().topology().port("port1").orElseThrow().host();
        assertThat(PortControl.find(snapshots.fresh().topology(), host, false).port()).isEqualTo("port1");
        assertThat(PortControl.find(snapshots.fresh().topology(), "mem0", true).port()).startsWith("endpoint");
        assertThat(ports.enable("port1", false, false).get("changed").asBoolean()).as("already enabled").isFalse();
        assertThatThrownBy(() -> ports.disableBus("cxl_test", false)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> ports.disableBus("root0", false)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.IN_USE))
                .hasMessageStartingWith("root0 hosts 3 memdevs");
    }

    @Test
    void dpaIsReservedOnTheNextDecoderAndRefusedOutOfOrderOrOverCapacity() throws Exception {
        install("pmem2-empty");
        DpaControl dpa = new DpaControl(new SysfsAttributes(sys), snapshots, guard());
        String next = snapshots.fresh().topology().decoders().stream()
                .filter(d -> d.kind() == dev.cxld.protocol.model.DecoderKind.ENDPOINT && d.port().equals(
                        snapshots.fresh().topology().memdev("mem0").orElseThrow().endpoint()))
                .map(dev.cxld.protocol.model.Decoder::decoder).sorted().findFirst().orElseThrow();
        assertThatThrownBy(() -> dpa.reserve(new DpaControl.Request("mem0", "pmem", 1L << 40, null, false)))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessageContaining("exceeds the available pmem");
        String later = next.substring(0, next.indexOf('.') + 1) + "3";
        assertThatThrownBy(() -> dpa.reserve(new DpaControl.Request("mem0", "pmem", 256L << 20, later, false)))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessage("mem0: " + later + " is out of sequence: DPA is allocated in decoder order, and the next is " + next);
        assertThatThrownBy(() -> dpa.reserve(new DpaControl.Request("mem0", "volatile", null, null, false)))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> dpa.reserve(new DpaControl.Request("mem0", "ram", null, null, false)))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.IN_USE)).hasMessage("mem0: no available ram capacity");
        assertThat(read("bus/cxl/devices/" + next + "/dpa_size")).as("nothing written yet").isEqualTo("0x0000000000000000\n");
        dpa.reserve(new DpaControl.Request("mem0", "pmem", 256L << 20, null, false));
        assertThat(read("bus/cxl/devices/" + next + "/dpa_size")).startsWith("0x10000000\n");
        held = "mem0";
        assertThatThrownBy(() -> dpa.free(new DpaControl.Request("mem0", "pmem", null, null, false)))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED));
    }

    @Test
    void poisonAndProtocolErrorsGoToTheCxlDebugfs() throws Exception {
        install("ram3-committed");
        Path debug = tmp.resolve("debug");
        Files.createDirectories(debug.resolve("cxl/mem0"));
        Files.writeString(debug.resolve("cxl/mem0/inject_poison"), "");
        Files.writeString(debug.resolve("cxl/mem0/clear_poison"), "");
        CxlDebugfs debugfs = new CxlDebugfs(debug);
        PoisonControl poison = new PoisonControl(debugfs, snapshots);
        assertThat(debugfs.present()).isTrue();
        assertThat(debugfs.injectable("mem0")).isTrue();
        assertThat(debugfs.injectable("mem1")).isFalse();
        assertThat(poison.poison("mem0", 0x40001000L, true).get("injected").asBoolean()).isTrue();
        assertThat(Files.readString(debug.resolve("cxl/mem0/inject_poison"))).isEqualTo("0x40001000");
        poison.poison("mem0", 0x600, false);
        assertThat(Files.readString(debug.resolve("cxl/mem0/clear_poison"))).isEqualTo("0x600");
        assertThatThrownBy(() -> poison.poison("mem1", 0, true)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("the device does not support it");
        assertThatThrownBy(() -> new PoisonControl(new CxlDebugfs(null), snapshots).poison("mem0", 0, true))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.UNAVAILABLE)).hasMessageContaining("no debugfs");
        assertThatThrownBy(() -> poison.poison("mem9", 0, true)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));

        // EINJ: nothing to inject with until the platform lists types
        assertThatThrownBy(() -> poison.protocolError("0000:0c:00.0", "mem", "correctable"))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.UNAVAILABLE)).hasMessageContaining("no cxl/einj_types");
        Files.writeString(debug.resolve("cxl/einj_types"), "0x00008000\tCXL.mem Protocol Correctable\n"
                + "0x00020000\tCXL.mem Protocol Uncorrectable fatal\n");
        Files.createDirectories(debug.resolve("cxl/0000:0c:00.0"));
        Files.writeString(debug.resolve("cxl/0000:0c:00.0/einj_inject"), "");
        assertThat(poison.protocolError("0000:0c:00.0", "mem", "correctable").get("error").asText()).isEqualTo("mem-correctable");
        assertThat(Files.readString(debug.resolve("cxl/0000:0c:00.0/einj_inject"))).isEqualTo("0x8000");
        assertThatThrownBy(() -> poison.protocolError("0000:0c:00.0", "cache", "correctable"))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.UNAVAILABLE)).hasMessageContaining("does not inject cache-correctable");
        assertThatThrownBy(() -> poison.protocolError("../../x", "mem", "fatal"))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> poison.protocolError("0000:0c:00.0", "mem", "severe"))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void aFirmwareImageArrivesInOrderAndAnAbandonedUploadIsAborted() throws Exception {
        install("ram3-committed");
        Path loader = sys.resolve("bus/cxl/devices/mem0").toRealPath().resolve("firmware/mem0");
        Files.createDirectories(loader);
        for (String f : new String[] {"loading", "data", "cancel"}) {
            Files.writeString(loader.resolve(f), "");
        }
        Files.writeString(loader.resolve("status"), "idle\n");
        Instant[] now = {Instant.parse("2026-12-02T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        FirmwareUpdate fw = new FirmwareUpdate(new SysfsAttributes(sys), snapshots, clock);
        assertThatThrownBy(() -> fw.piece("mem0", 4, new byte[] {1}, false))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessageContaining("no upload is under way");
        fw.piece("mem0", 0, new byte[] {1, 2, 3, 4}, false);
        assertThat(Files.readString(loader.resolve("loading"))).isEqualTo("1\n");
        assertThatThrownBy(() -> fw.piece("mem0", 0, new byte[] {9}, false))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.IN_USE));
        assertThatThrownBy(() -> fw.piece("mem0", 3, new byte[] {9}, false))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessageContaining("expected byte 4");
        assertThat(fw.piece("mem0", 4, new byte[] {5, 6}, true).get("received").asLong()).isEqualTo(6);
        assertThat(Files.readAllBytes(loader.resolve("data"))).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Files.readString(loader.resolve("loading"))).isEqualTo("0\n");

        // an upload whose client went away: aborted after 30 s without a piece
        fw.piece("mem0", 0, new byte[] {7}, false);
        now[0] = now[0].plus(Duration.ofSeconds(29));
        fw.expire();
        assertThat(Files.readString(loader.resolve("loading"))).isEqualTo("1\n");
        now[0] = now[0].plus(Duration.ofSeconds(2));
        fw.expire();
        assertThat(Files.readString(loader.resolve("loading"))).isEqualTo("-1\n");
        assertThatThrownBy(() -> fw.cancel("mem0")).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
        Files.writeString(loader.resolve("status"), "transferring\n");
        Files.writeString(loader.resolve("remaining_size"), "100\n");
        fw.cancel("mem0");
        assertThat(Files.readString(loader.resolve("cancel"))).isEqualTo("1\n");
    }
}
