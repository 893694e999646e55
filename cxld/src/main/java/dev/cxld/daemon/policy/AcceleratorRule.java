package dev.cxld.daemon.policy;

/**
 * One accelerator named by cxld's configuration ({@code [accelerator NAME]}): which memdevs it
 * designates (by PCIe serial number, by PCI vendor:device, or both), who holds the region handed
 * off for it, and what to do when the memdev has no region.
 *
 * @param name the section's name, unique across the configuration
 * @param source where it was declared, {@code FILE:LINE}, for messages
 * @param serial the memdev's {@code serial}; null: any
 * @param pci the PCI vendor and device of the memdev's parent function; null: any
 * @param holder the holder label the handoff is recorded under (as {@code attach-region --owner})
 * @param createRegion give a memdev without a region a single-target region of its free capacity
 *     (cxld then owns that region and destroys it when the handoff ends)
 * @param grantUid the uid made owner of {@code /dev/daxX.Y} for as long as the handoff lasts; null: none
 * @param grantUser that uid's name, for messages and status
 */
public record AcceleratorRule(String name, String source, Long serial, PciId pci, String holder, boolean createRegion,
        Long grantUid, String grantUser) {
    public AcceleratorRule {
        if (serial == null && pci == null) {
            throw new IllegalArgumentException("accelerator " + name + " names no memdev: give serial, pci or both");
        }
    }

    /** Whether a memdev with {@code serial} whose PCI function is {@code pciOfMemdev} (null: unknown) is this accelerator. */
    public boolean matches(Long memdevSerial, PciId pciOfMemdev) {
        return (serial == null || serial.equals(memdevSerial)) && (pci == null || pci.equals(pciOfMemdev));
    }

    /** What it matches, in the configuration's own words: {@code serial 0x100}, {@code pci 8086:0d93}. */
    public String describeMatch() {
        String s = serial == null ? "" : "serial 0x" + Long.toHexString(serial);
        String p = pci == null ? "" : "pci " + pci;
        return s.isEmpty() ? p : p.isEmpty() ? s : s + " and " + p;
    }

    /** A PCI vendor and device id, as {@code lspci -n} prints them: {@code 8086:0d93}. */
    public record PciId(int vendor, int device) {
        @Override
        public String toString() {
            return String.format("%04x:%04x", vendor, device);
        }
    }
}
