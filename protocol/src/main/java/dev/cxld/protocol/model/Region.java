package dev.cxld.protocol.model;

import java.util.List;

/**
 * A CXL region {@code regionZ} under a root decoder.
 *
 * @param region device name
 * @param rootDecoder the root decoder it was created under
 * @param resource HPA base ({@code -1} bits while no HPA is allocated)
 * @param size HPA size
 * @param extendedLinearCacheSize {@code extended_linear_cache_size} (kernel 6.19+), part of {@code size}
 * @param type {@code ram} or {@code pmem} (sysfs {@code mode}; ndctl calls it type)
 * @param interleaveWays interleave ways
 * @param interleaveGranularity interleave granularity in bytes
 * @param uuid pmem regions' uuid, {@code null} for ram
 * @param committed {@code commit} reads 1
 * @param enabled the {@code cxl_region} driver is bound
 * @param locked {@code locked} (kernel 7.1+), {@code null} when the kernel has no such attribute
 * @param mappings targets that are set, by position
 * @param daxDevices {@code daxN.M} devices of its dax region (ram regions)
 * @param errors attributes that could not be read, each "path: reason"
 */
public record Region(
        String region,
        String rootDecoder,
        Long resource,
        Long size,
        Long extendedLinearCacheSize,
        String type,
        Integer interleaveWays,
        Integer interleaveGranularity,
        String uuid,
        Boolean committed,
        boolean enabled,
        Boolean locked,
        List<Mapping> mappings,
        List<String> daxDevices,
        List<String> errors) {
    public Region {
        mappings = List.copyOf(mappings);
        daxDevices = List.copyOf(daxDevices);
        errors = List.copyOf(errors);
    }
}
