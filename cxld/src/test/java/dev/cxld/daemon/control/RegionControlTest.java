package dev.cxld.daemon.control;

import dev.cxld.daemon.sysfs.SysfsAttributes;

import dev.cxld.daemon.errors.Refusal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks RegionControl makes before it writes anything, on a captured ram3 tree. The write
 * sequences themselves run against the real kernel in RegionVmIT.
 */
class RegionControlTest {
    @TempDir Path tmp;
    Path sys;
    RegionControl regions;
    String held;

    @BeforeEach
    void setUp() throws Exception {
        sys = SysfsFixtures.install("ram3-committed", tmp);
        Snapshots snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), new EventBus(Clock.systemUTC()));
        regions = new RegionControl(new SysfsAttributes(sys), snapshots, (name, op) -> {
            if (name.equals(held)) {
                throw new Refusal(ErrorCode.LOCKED, op + " " + name + " is held");
            }
            return () -> { };
        });
    }

    static ErrorCode code(Throwable t) {
        return ((Refusal) t).error().code();
    }

    @Test
    void destroyIsRefusedWhileHeldLockedByTheKernelOrEnabled() throws Exception {
        held = "region1";
        assertThatThrownBy(() -> regions.destroy("region1", true)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED));
        assertThatThrownBy(() -> regions.disable("region1")).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED));
        held = null;
        assertThatThrownBy(() -> regions.destroy("region1", false)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.IN_USE))
                .hasMessage("region1 is enabled: its memory may be in use; disable it first or force");
        // kernels from 7.1 show regionZ/locked
        Files.writeString(sys.resolve("bus/cxl/devices/region1").toRealPath().resolve("locked"), "1\n");
        assertThatThrownBy(() -> regions.destroy("region1", true)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED))
                .hasMessageContaining("locked by the kernel");
        assertThatThrownBy(() -> regions.destroy("region7", true)).satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessage("region region7 not found; this host has region0, region1");
    }

    @Test
    void destroyIfSameLeavesAnotherRegionByThatNameAlone() throws Exception {
        Path region1 = sys.resolve("bus/cxl/devices/region1").toRealPath();
        long resource = Long.decode(Files.readString(region1.resolve("resource")).strip());
        long size = Long.decode(Files.readString(region1.resolve("size")).strip());
        assertThat(regions.destroyIfSame("region1", resource + size, size)).as("another address").isFalse();
        assertThat(regions.destroyIfSame("region1", resource, size * 2)).as("another size").isFalse();
        assertThat(regions.destroyIfSame("region7", resource, size)).as("no such region").isFalse();
        assertThat(Files.readString(region1.resolve("commit")).strip()).as("nothing written").isEqualTo("1");
        held = "region1";
        assertThatThrownBy(() -> regions.destroyIfSame("region1", resource, size))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.LOCKED));
    }

    @Test
    void createChecksItsArgumentsBeforeWritingAnything() throws Exception {
        assertThatThrownBy(() -> regions.create(new RegionControl.CreateRequest(null, "dram", null, null, null, List.of("mem0"))))
                .hasMessage("create-region: type must be ram or pmem, not dram");
        assertThatThrownBy(() -> regions.create(new RegionControl.CreateRequest(null, "ram", 2, null, null, List.of("mem0"))))
                .hasMessage("create-region: 2 ways need 2 memdevs, 1 named");
        assertThatThrownBy(() -> regions.create(new RegionControl.CreateRequest(null, "ram", null, null, 100L << 20, List.of("mem0"))))
                .hasMessage("create-region: size 104857600 must be a positive multiple of 256 MiB x 1 ways");
        assertThatThrownBy(() -> regions.create(new RegionControl.CreateRequest("decoder2.0", "ram", null, null, null, List.of("mem0"))))
                .hasMessage("decoder2.0 is not a root decoder");
        assertThatThrownBy(() -> regions.create(new RegionControl.CreateRequest(null, "ram", null, null, null, List.of("mem9"))))
                .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
        // nothing was written: the tree still has its two regions
        assertThat(new CxlSysfs(sys).scan().regions()).hasSize(2);
    }

    @Test
    void freeCapacityAndTheFreeDecoderFollowTheDpaAlreadyGiven() throws Exception {
        var t = new CxlSysfs(sys).scan();
        var mem2 = t.memdev("mem2").orElseThrow();
        // 512 MiB, of which region1 has 256 MiB on the first decoder
        assertThat(RegionControl.free(t, mem2, "ram")).isEqualTo(256L << 20);
        assertThat(RegionControl.free(t, mem2, "pmem")).isZero();
        assertThat(RegionControl.freeDecoder(t, mem2)).isEqualTo("decoder4.1");
    }
}
