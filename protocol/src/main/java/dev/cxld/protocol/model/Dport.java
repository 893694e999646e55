package dev.cxld.protocol.model;

/**
 * A downstream port of a CXL port ({@code portN/dportY}).
 *
 * @param dport the device the link resolves to ({@code pci0000:0c}, {@code 0000:0c:00.0})
 * @param alias its ACPI companion ({@code firmware_node}, else {@code physical_node}), if any
 * @param id the hardware port id {@code Y}, as used in decoder target lists
 */
public record Dport(String dport, String alias, long id) {}
