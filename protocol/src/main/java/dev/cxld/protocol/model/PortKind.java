package dev.cxld.protocol.model;

/** What published a CXL port: the platform (root), a host bridge or switch, or a memdev (endpoint). */
public enum PortKind {
    /** {@code rootN}: the ACPI0017 platform device, or cxl_acpi.0 under cxl_test. */
    ROOT,
    /** {@code portN}: a host bridge (depth 1) or a switch upstream port (depth 2 and more). */
    SWITCH,
    /** {@code endpointN}: a memdev's port; its uport is the memdev. */
    ENDPOINT
}
