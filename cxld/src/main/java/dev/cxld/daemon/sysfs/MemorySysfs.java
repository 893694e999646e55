package dev.cxld.daemon.sysfs;

import dev.cxld.protocol.model.DaxDevice;
import dev.cxld.protocol.model.MemoryBlock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a region's memory went: its dax devices ({@code bus/dax/devices/daxX.Y}) and the memory
 * hotplug blocks ({@code devices/system/memory/memoryN}) in an address range, under the injected
 * sysfs root. Read the way daxctl reads them ({@code block_size_bytes} and {@code phys_index} are
 * hex without a prefix). A root without these directories has no blocks and no dax devices.
 */
public final class MemorySysfs {
    private final Path root;

    public MemorySysfs(Path sysfsRoot) {
        this.root = sysfsRoot;
    }

    /**
     * The dax device {@code name} of {@code region} ({@code regionZ/dax_regionZ/daxZ.N}, the
     * directory {@code bus/dax/devices/daxZ.N} links to), empty when it has none of that name.
     */
    public Optional<DaxDevice> dax(String region, String name) {
        SysfsAttributes.daxDevice(name);
        if (!DeviceNames.isCxlObject(region) || !region.startsWith("region")) {
            return Optional.empty();
        }
        DeviceDir d = new DeviceDir(root.resolve("bus/cxl/devices").resolve(region)
                .resolve("dax_region" + region.substring("region".length())).resolve(name));
        if (!java.nio.file.Files.isDirectory(d.path())) {
            return Optional.empty();
        }
        Long resource = d.u64("resource");
        Long size = d.u64("size");
        Long align = d.u64("align");
        Integer node = d.s32("target_node");
        String driver = d.linkName("driver");
        return Optional.of(new DaxDevice(name, resource, size, align, node, driver, d.errors()));
    }

    /**
     * The memory blocks that hold any byte of [start, end], by address; errors (a block whose
     * attributes cannot be read) go to {@code errors}.
     */
    public List<MemoryBlock> blocks(long start, long end, List<String> errors) {
        List<MemoryBlock> out = new ArrayList<>();
        DeviceDir memory = new DeviceDir(root.resolve("devices/system/memory"));
        String raw = memory.raw("block_size_bytes");
        if (raw == null) {
            errors.addAll(memory.errors());
            return out;
        }
        long blockSize;
        try {
            blockSize = SysfsValues.hexDigits(memory.path().resolve("block_size_bytes"), raw);
        } catch (SysfsFormatException e) {
            errors.add(e.getMessage());
            return out;
        }
        for (Path p : memory.children("")) {
            String name = p.getFileName().toString();
            if (!name.matches("memory\\d+")) {
                continue;
            }
            DeviceDir b = new DeviceDir(p);
            String index = b.raw("phys_index");
            String state = b.text("state");
            if (index == null || state == null) {
                errors.addAll(b.errors());
                continue;
            }
            long first;
            try {
                first = SysfsValues.hexDigits(p.resolve("phys_index"), index) * blockSize;
            } catch (SysfsFormatException e) {
                errors.add(e.getMessage());
                continue;
            }
            String zones = b.text("valid_zones");
            String zone = "online".equals(state) && zones != null ? zones.split(" ")[0] : null;
            MemoryBlock block = new MemoryBlock(name, first, blockSize, state, zone);
            if (block.overlaps(start, end)) {
                out.add(block);
            }
            errors.addAll(b.errors());
        }
        out.sort((x, y) -> Long.compareUnsigned(x.start(), y.start()));
        return out;
    }
}
