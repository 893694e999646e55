package dev.cxld.protocol.model;

import java.util.List;

/**
 * A CXL port: root, host bridge or switch, or endpoint.
 *
 * @param port device name ({@code root0}, {@code port1}, {@code endpoint2})
 * @param kind root, switch (host bridges included) or endpoint
 * @param host the device its {@code uport} resolves to ({@code ACPI0017:00}, {@code pci0000:0c}, {@code mem0})
 * @param parent the parent port's name, {@code null} for a root
 * @param parentDport the device its {@code parent_dport} resolves to, {@code null} for a root
 * @param depth 0 for a root, parent's + 1 otherwise
 * @param enabled a driver is bound (roots have no driver and count as enabled)
 * @param decodersCommitted {@code decoders_committed} (kernel 6.7+)
 * @param dports its downstream ports, by id
 * @param errors attributes that could not be read, each "path: reason"
 */
public record Port(
        String port,
        PortKind kind,
        String host,
        String parent,
        String parentDport,
        int depth,
        boolean enabled,
        Integer decodersCommitted,
        List<Dport> dports,
        List<String> errors) {
    public Port {
        dports = List.copyOf(dports);
        errors = List.copyOf(errors);
    }

    /**
     * What ndctl calls a bus's provider, named after the platform device that published its root:
     * {@code ACPI.CXL} for ACPI0017, {@code cxl_test} for the kernel's mock, else the host's name.
     */
    public String provider() {
        if ("ACPI0017:00".equals(host)) {
            return "ACPI.CXL";
        }
        if ("cxl_acpi.0".equals(host)) {
            return "cxl_test";
        }
        return host;
    }
}
