package dev.cxld.protocol.model;

/**
 * A memory hotplug block {@code /sys/devices/system/memory/memoryN}: the System RAM the kernel
 * manages in units of {@code block_size_bytes}.
 *
 * @param block {@code memoryN}
 * @param start its first physical address ({@code phys_index} x block size)
 * @param size the block size
 * @param state {@code online}, {@code offline} or {@code going-offline}
 * @param zone while online, the zone its pages are in ({@code Normal}, {@code Movable}, first word of
 *     {@code valid_zones}); {@code null} while offline
 */
public record MemoryBlock(String block, long start, long size, String state, String zone) {
    public boolean online() {
        return "online".equals(state);
    }

    /** Whether any byte of the block lies in [start, end]. */
    public boolean overlaps(long rangeStart, long rangeEnd) {
        return Long.compareUnsigned(start, rangeEnd) <= 0 && Long.compareUnsigned(start + size - 1, rangeStart) >= 0;
    }
}
