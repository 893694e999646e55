package dev.cxld.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.policy.PrivateMemory.Bind;
import dev.cxld.daemon.policy.PrivateMemory.Offline;
import dev.cxld.daemon.policy.PrivateMemory.Online;
import dev.cxld.daemon.policy.PrivateMemory.Unbind;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.MemorySysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.model.DaxDevice;
import dev.cxld.protocol.model.MemoryBlock;
import dev.cxld.protocol.model.Region;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which steps make a region's memory private, over trees captured in a ram1 guest (kmem: region0's
 * dax0.0 onlined as System RAM in blocks memory146 and memory147; devdax: the same after daxctl's
 * steps; committed: dax0.0 unbound, as cxlvm's guests have no kmem) and as a table of records.
 */
class PrivateMemoryTest {
    @TempDir Path tmp;

    record Seen(Region region, DaxDevice dax, List<MemoryBlock> blocks) {}

    Seen seen(String fixture) throws IOException {
        Path sys = SysfsFixtures.install(fixture, tmp.resolve(fixture));
        Region r = new CxlSysfs(sys).scan().region("region0").orElseThrow();
        MemorySysfs memory = new MemorySysfs(sys);
        List<String> errors = new ArrayList<>();
        List<MemoryBlock> blocks = memory.blocks(r.resource(), r.resource() + r.size() - 1, errors);
        assertThat(errors).isEmpty();
        return new Seen(r, memory.dax("region0", r.daxDevices().get(0)).orElseThrow(), blocks);
    }

    static PrivateMemory.Steps steps(PrivateMemory.Plan p) {
        assertThat(p).isInstanceOf(PrivateMemory.Steps.class);
        return (PrivateMemory.Steps) p;
    }

    @Test
    void systemRamThroughKmemIsOfflinedUnboundAndBoundToDeviceDax() throws IOException {
        Seen s = seen("ram1-kmem");
        assertThat(s.dax().driver()).isEqualTo("kmem");
        assertThat(s.blocks()).extracting(MemoryBlock::block).containsExactly("memory146", "memory147");
        assertThat(s.blocks()).allSatisfy(b -> {
            assertThat(b.online()).isTrue();
            assertThat(b.zone()).isEqualTo("Normal");
        });
        PrivateMemory.Steps p = steps(PrivateMemory.plan("region0", s.dax(), s.blocks()));
        assertThat(p.steps()).containsExactly(new Offline("memory146", "Normal"), new Offline("memory147", "Normal"),
                new Unbind("kmem", "dax0.0"), new Bind("device_dax", "dax0.0"));
        assertThat(PrivateMemory.undo(p.steps())).containsExactly(new Unbind("device_dax", "dax0.0"),
                new Bind("kmem", "dax0.0"), new Online("memory147", "online_kernel"), new Online("memory146", "online_kernel"));
        // what the holder maps: 256 MiB at 2 MiB alignment, sysfs's values
        assertThat(p.dax().size()).isEqualTo(256L << 20);
        assertThat(p.dax().resource()).isEqualTo(s.region().resource());
        assertThat(p.dax().align()).isEqualTo(2L << 20);
    }

    @Test
    void memoryAlreadyPrivateNeedsNothing() throws IOException {
        Seen s = seen("ram1-devdax");
        assertThat(s.dax().driver()).isEqualTo("device_dax");
        assertThat(s.blocks()).as("the kernel removed the blocks with kmem").isEmpty();
        assertThat(steps(PrivateMemory.plan("region0", s.dax(), s.blocks())).steps()).isEmpty();
    }

    @Test
    void anUnboundDaxDeviceIsBoundToDeviceDax() throws IOException {
        Seen s = seen("ram1-committed");
        assertThat(s.dax().driver()).isNull();
        assertThat(steps(PrivateMemory.plan("region0", s.dax(), s.blocks())).steps())
                .containsExactly(new Bind("device_dax", "dax0.0"));
    }

    static final DaxDevice KMEM = new DaxDevice("dax3.0", 0x490000000L, 256L << 20, 2L << 20, 1, "kmem", List.of());
    static final MemoryBlock MOVABLE = new MemoryBlock("memory146", 0x490000000L, 128L << 20, "online", "Movable");
    static final MemoryBlock OFF = new MemoryBlock("memory147", 0x498000000L, 128L << 20, "offline", null);

    @Test
    void onlyOnlineBlocksAreOfflinedAndTheirZoneIsRestored() {
        PrivateMemory.Steps p = steps(PrivateMemory.plan("region3", KMEM, List.of(MOVABLE, OFF)));
        assertThat(p.steps()).containsExactly(new Offline("memory146", "Movable"), new Unbind("kmem", "dax3.0"),
                new Bind("device_dax", "dax3.0"));
        assertThat(PrivateMemory.undo(p.steps())).endsWith(new Online("memory146", "online_movable"));
    }

    @Test
    void memoryCxldCannotTakeBackIsRefused() {
        assertThat(PrivateMemory.plan("region3", null, List.of(MOVABLE))).isEqualTo(new PrivateMemory.Refused(
                "region3's range is online as System RAM (memory146) but not through a dax device of the region:"
                        + " cxld cannot take it back; offline it first"));
        DaxDevice foreign = new DaxDevice("dax3.0", 0x490000000L, 256L << 20, 2L << 20, 1, "dax_hmem", List.of());
        assertThat(PrivateMemory.plan("region3", foreign, List.of())).isInstanceOf(PrivateMemory.Refused.class)
                .hasToString("Refused[message=dax3.0 is bound to dax_hmem, which cxld does not know how to release;"
                        + " unbind it first]");
        DaxDevice devdax = new DaxDevice("dax3.0", 0x490000000L, 256L << 20, 2L << 20, 1, "device_dax", List.of());
        assertThat(PrivateMemory.plan("region3", devdax, List.of(MOVABLE))).isInstanceOf(PrivateMemory.Refused.class);
    }

    @Test
    void aRegionWithoutDaxAndWithoutOnlineMemoryIsPrivateAsItIs() {
        PrivateMemory.Steps p = steps(PrivateMemory.plan("region3", null, List.of(OFF)));
        assertThat(p.dax()).isNull();
        assertThat(p.steps()).isEmpty();
    }
}
