package dev.cxld.protocol.model;

import java.util.List;

/**
 * A device-dax instance {@code daxX.Y} ({@code /sys/bus/dax/devices}), the way a CXL ram region's
 * memory reaches users: bound to {@code kmem} it is System RAM, bound to {@code device_dax} it is
 * the character device {@code /dev/daxX.Y}.
 *
 * @param device {@code daxX.Y}
 * @param resource its first physical address, {@code null} when not readable
 * @param size its size
 * @param align the mapping alignment of {@code /dev/daxX.Y} ({@code align}), bytes
 * @param targetNode the NUMA node its memory joins as System RAM ({@code target_node})
 * @param driver the bound driver ({@code kmem}, {@code device_dax}), {@code null} when unbound
 * @param errors attributes that could not be read, each "path: reason"
 */
public record DaxDevice(String device, Long resource, Long size, Long align, Integer targetNode, String driver,
        List<String> errors) {
    public DaxDevice {
        errors = List.copyOf(errors);
    }
}
