package dev.cxld.daemon.mailbox;

import java.util.Map;

/** Mailbox opcode names (enum cxl_opcode in drivers/cxl/cxlmem.h), for the Command Effects Log. */
final class Opcodes {
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x0100, "Get Event Records"), Map.entry(0x0101, "Clear Event Records"),
            Map.entry(0x0102, "Get Event Interrupt Policy"), Map.entry(0x0103, "Set Event Interrupt Policy"),
            Map.entry(0x0200, "Get FW Info"), Map.entry(0x0201, "Transfer FW"), Map.entry(0x0202, "Activate FW"),
            Map.entry(0x0300, "Get Timestamp"), Map.entry(0x0301, "Set Timestamp"),
            Map.entry(0x0400, "Get Supported Logs"), Map.entry(0x0401, "Get Log"),
            Map.entry(0x0402, "Get Log Capabilities"), Map.entry(0x0403, "Clear Log"),
            Map.entry(0x0405, "Get Supported Logs Sub-List"),
            Map.entry(0x0500, "Get Supported Features"), Map.entry(0x0501, "Get Feature"),
            Map.entry(0x0502, "Set Feature"), Map.entry(0x0600, "Perform Maintenance"),
            Map.entry(0x4000, "Identify Memory Device"),
            Map.entry(0x4100, "Get Partition Info"), Map.entry(0x4101, "Set Partition Info"),
            Map.entry(0x4102, "Get LSA"), Map.entry(0x4103, "Set LSA"),
            Map.entry(0x4200, "Get Health Info"), Map.entry(0x4201, "Get Alert Configuration"),
            Map.entry(0x4202, "Set Alert Configuration"), Map.entry(0x4203, "Get Shutdown State"),
            Map.entry(0x4204, "Set Shutdown State"),
            Map.entry(0x4300, "Get Poison List"), Map.entry(0x4301, "Inject Poison"),
            Map.entry(0x4302, "Clear Poison"), Map.entry(0x4303, "Get Scan Media Capabilities"),
            Map.entry(0x4304, "Scan Media"), Map.entry(0x4305, "Get Scan Media Results"),
            Map.entry(0x4400, "Sanitize"), Map.entry(0x4401, "Secure Erase"),
            Map.entry(0x4500, "Get Security State"), Map.entry(0x4501, "Set Passphrase"),
            Map.entry(0x4502, "Disable Passphrase"), Map.entry(0x4503, "Unlock"),
            Map.entry(0x4504, "Freeze Security State"), Map.entry(0x4505, "Passphrase Secure Erase"),
            Map.entry(0x4800, "Get DC Config"), Map.entry(0x4801, "Get DC Extent List"),
            Map.entry(0x4802, "Add DC Response"), Map.entry(0x4803, "Release DC"));

    private Opcodes() {}

    static String name(int opcode) {
        return NAMES.getOrDefault(opcode, "unknown");
    }
}
