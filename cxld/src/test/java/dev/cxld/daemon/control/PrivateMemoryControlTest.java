package dev.cxld.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.MemorySysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.model.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps as written to sysfs, over trees captured in a ram1 guest. A captured tree takes the
 * writes but never changes as the kernel would, so here the attempt always ends in the
 * verification that catches "the kernel accepted it and did nothing", and everything before is
 * undone; that the steps work is proven in a guest (PrivateMemoryVmIT).
 */
class PrivateMemoryControlTest {
    @TempDir Path tmp;
    Path sys;

    PrivateMemoryControl control(String fixture) throws IOException {
        sys = SysfsFixtures.install(fixture, tmp);
        return new PrivateMemoryControl(new SysfsAttributes(sys), new MemorySysfs(sys), tmp.resolve("dev"));
    }

    Region region0() {
        return new CxlSysfs(sys).scan().region("region0").orElseThrow();
    }

    Path block(String name) {
        return sys.resolve("devices/system/memory/" + name + "/state");
    }

    @Test
    void theStepsAreWrittenInOrderAndUndoneWhenTheKernelDoesNotFollow() throws IOException {
        PrivateMemoryControl c = control("ram1-kmem");
        Region r = region0();
        assertThatThrownBy(() -> c.makePrivate(r)).isInstanceOf(Refusal.class).satisfies(t -> {
            Refusal f = (Refusal) t;
            assertThat(f.error().code()).isEqualTo(ErrorCode.KERNEL_ERROR);
            assertThat(f.getMessage()).isEqualTo("dax0.0: the kernel accepted the writes but its driver is kmem, not none;"
                    + " the 2 step(s) before it were undone");
        });
        assertThat(Files.readString(sys.resolve("bus/dax/drivers/kmem/remove_id"))).isEqualTo("dax0.0");
        assertThat(Files.readString(sys.resolve("bus/dax/drivers/kmem/unbind"))).isEqualTo("dax0.0");
        // offlined, then given back in the zone they were in (Normal)
        assertThat(Files.readString(block("memory146"))).isEqualTo("online_kernel");
        assertThat(Files.readString(block("memory147"))).isEqualTo("online_kernel");
        assertThat(Files.readString(sys.resolve("bus/dax/drivers/device_dax/new_id"))).as("never reached").isEmpty();
    }

    @Test
    void aStepTheKernelRefusesStopsTheAttachAndUndoesTheOthers() throws IOException {
        PrivateMemoryControl c = control("ram1-kmem");
        Region r = region0();
        Path unbind = sys.resolve("bus/dax/drivers/kmem/unbind");
        Files.delete(unbind);
        Files.createDirectory(unbind); // write(2) on it fails: EISDIR
        assertThatThrownBy(() -> c.makePrivate(r)).isInstanceOf(Refusal.class).satisfies(t -> {
            Refusal f = (Refusal) t;
            assertThat(f.error().code()).isEqualTo(ErrorCode.KERNEL_ERROR);
            assertThat(f.error().errnoName()).isEqualTo("EISDIR");
            assertThat(f.error().path()).isEqualTo(unbind.toString());
            assertThat(f.getMessage()).startsWith("unbind dax0.0 from kmem: the kernel refused: ")
                    .endsWith("; the 2 step(s) before it were undone");
        });
        assertThat(Files.readString(block("memory146"))).isEqualTo("online_kernel");
        assertThat(Files.readString(block("memory147"))).isEqualTo("online_kernel");
        assertThat(Files.readString(sys.resolve("bus/dax/drivers/device_dax/new_id"))).as("never reached").isEmpty();
    }

    @Test
    void privateMemoryIsHandedOverAsItIs() throws IOException {
        PrivateMemoryControl c = control("ram1-devdax");
        PrivateMemoryControl.Made made = c.makePrivate(region0());
        assertThat(made.done()).isEmpty();
        assertThat(made.dax().device()).isEqualTo("dax0.0");
        assertThat(made.dax().driver()).isEqualTo("device_dax");
        assertThat(made.node()).isEqualTo(tmp.resolve("dev/dax0.0"));
    }

    @Test
    void memoryOnlineOutsideTheDaxDeviceIsInUse() throws IOException {
        PrivateMemoryControl c = control("ram1-devdax");
        // the kmem state's blocks, online, under a device_dax device: someone else onlined them
        Path blocks = SysfsFixtures.install("ram1-kmem", tmp.resolve("other")).resolve("devices/system/memory");
        copy(blocks.resolve("memory146"), sys.resolve("devices/system/memory/memory146"));
        assertThatThrownBy(() -> c.makePrivate(region0())).isInstanceOf(Refusal.class)
                .satisfies(t -> assertThat(((Refusal) t).error().code()).isEqualTo(ErrorCode.IN_USE))
                .hasMessage("dax0.0 is bound to device_dax, yet memory146 of its range are online as System RAM:"
                        + " something else onlined them; offline them first");
    }

    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String f : new String[] {"phys_index", "state", "valid_zones"}) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
    }
}
