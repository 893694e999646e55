package dev.cxld.daemon.sysfs;

import dev.cxld.protocol.Numbers;
import java.nio.file.Path;

/**
 * The one place that turns sysfs attribute text into numbers, the way the kernel writes them
 * (shared/docs/kernel-abi.md §2) and libcxl reads them ({@code strtoull(buf, NULL, 0)}): hex with
 * {@code 0x} ({@code "%#llx"}: {@code 0x490000000}; zero is {@code 0x0} on 6.12), {@code %pa}
 * zero-padded hex ({@code 0x0000000010000000}), decimal ({@code %d}, {@code %u}, {@code %zu}),
 * and all-ones u64 ({@code 0xffffffffffffffff}, "unset"). A u64 is a {@code long} with the same
 * bits. One trailing newline is expected; anything else that is not a number is an error naming
 * the file.
 */
public final class SysfsValues {
    private SysfsValues() {}

    /** Unsigned 64-bit value in hex ({@code 0x}) or decimal. */
    public static long u64(Path file, String raw) {
        try {
            return Numbers.unsigned(strip(raw));
        } catch (NumberFormatException e) {
            throw new SysfsFormatException(file, raw, "an unsigned 64-bit number");
        }
    }

    /** Hex digits without a prefix, as the memory hotplug attributes print them ({@code 8000000}, {@code 00000092}). */
    public static long hexDigits(Path file, String raw) {
        try {
            return Numbers.unsignedHex(strip(raw));
        } catch (NumberFormatException e) {
            throw new SysfsFormatException(file, raw, "hex digits");
        }
    }

    /** Signed 32-bit decimal ({@code %d}), e.g. {@code numa_node} = {@code -1}. */
    public static int s32(Path file, String raw) {
        try {
            return Numbers.decimalInt(strip(raw));
        } catch (NumberFormatException e) {
            throw new SysfsFormatException(file, raw, "a decimal integer");
        }
    }

    /** {@code 1}/{@code 0} flags such as {@code cap_ram}, {@code locked}, {@code commit}. */
    public static boolean flag(Path file, String raw) {
        String s = strip(raw);
        if (s.equals("1")) {
            return true;
        }
        if (s.equals("0")) {
            return false;
        }
        throw new SysfsFormatException(file, raw, "0 or 1");
    }

    /** Text without its trailing newline; {@code null} for an empty attribute ({@code region} = "\n"). */
    public static String text(Path file, String raw) {
        String s = strip(raw);
        // the kernel writes these attributes in printable ASCII; anything else is damage, not a value
        if (s.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw new SysfsFormatException(file, raw, "one line of printable text");
        }
        return s.isEmpty() ? null : s;
    }

    /** A comma-separated list of decimal port ids ({@code target_list} = {@code 2,1}); empty for "\n". */
    public static long[] idList(Path file, String raw) {
        String s = strip(raw);
        if (s.isEmpty()) {
            return new long[0];
        }
        String[] parts = s.split(",", -1);
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ids[i] = u64(file, parts[i]);
        }
        return ids;
    }

    private static String strip(String raw) {
        return raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) : raw;
    }
}
