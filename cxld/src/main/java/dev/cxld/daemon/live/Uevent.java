package dev.cxld.daemon.live;

import dev.cxld.protocol.Numbers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One kernel uevent: "ACTION@DEVPATH" followed by NUL-separated KEY=VALUE pairs (ACTION, DEVPATH,
 * SUBSYSTEM, SEQNUM, DEVTYPE, DRIVER, ...).
 *
 * @param action add, remove, change, bind, unbind, move, online, offline
 * @param devpath path under /sys, e.g. /devices/platform/ACPI0017:00/root0/port1/endpoint4
 * @param subsystem cxl, dax, nd, ...
 * @param seqnum the kernel's sequence number (/sys/kernel/uevent_seqnum counts the same)
 * @param env every KEY=VALUE pair, in order
 */
public record Uevent(String action, String devpath, String subsystem, long seqnum, Map<String, String> env) {
    public Uevent {
        env = Map.copyOf(env);
    }

    /** Parses a kernel message; empty when it is not one (no '@' header, no SEQNUM). */
    public static Optional<Uevent> parse(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        String[] parts = text.split("\0");
        if (parts.length < 2 || parts[0].indexOf('@') <= 0) {
            return Optional.empty();
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                env.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        String action = env.get("ACTION");
        String devpath = env.get("DEVPATH");
        String seq = env.get("SEQNUM");
        if (action == null || devpath == null || seq == null) {
            return Optional.empty();
        }
        long seqnum;
        try {
            seqnum = Numbers.unsignedDecimal(seq);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(new Uevent(action, devpath, env.getOrDefault("SUBSYSTEM", ""), seqnum, env));
    }

    /** The last component of the devpath: the device's name (mem0, decoder2.0, dax0.0). */
    public String deviceName() {
        return devpath.substring(devpath.lastIndexOf('/') + 1);
    }
}
