package dev.cxld.protocol.model;

import java.util.List;

/**
 * A CXL memory device {@code memN} and its {@code /dev/cxl/memN}.
 *
 * @param memdev device name
 * @param host the parent device (PCI function {@code 0000:0d:00.0}, or {@code cxl_mem.N})
 * @param serial PCIe device serial number
 * @param ramSize volatile partition size ({@code ram/size})
 * @param pmemSize persistent partition size ({@code pmem/size})
 * @param ramQosClass {@code ram/qos_class}, absent until the kernel resolved one
 * @param pmemQosClass {@code pmem/qos_class}
 * @param numaNode {@code numa_node}; -1 means none
 * @param firmwareVersion {@code firmware_version}
 * @param payloadMax mailbox payload size in bytes
 * @param labelStorageSize label storage area size in bytes
 * @param securityState {@code security/state}
 * @param enabled the {@code cxl_mem} driver is bound
 * @param endpoint the endpoint port whose uport is this memdev, {@code null} while it has none
 * @param errors attributes that could not be read, each "path: reason"
 */
public record Memdev(
        String memdev,
        String host,
        Long serial,
        Long ramSize,
        Long pmemSize,
        Integer ramQosClass,
        Integer pmemQosClass,
        Integer numaNode,
        String firmwareVersion,
        Long payloadMax,
        Long labelStorageSize,
        String securityState,
        boolean enabled,
        String endpoint,
        List<String> errors) {
    public Memdev {
        errors = List.copyOf(errors);
    }

    /** This memdev linked to another endpoint port (or to none). */
    public Memdev withEndpoint(String port) {
        return new Memdev(memdev, host, serial, ramSize, pmemSize, ramQosClass, pmemQosClass, numaNode,
                firmwareVersion, payloadMax, labelStorageSize, securityState, enabled, port, errors);
    }
}
