package dev.cxld.protocol;

import java.util.regex.Pattern;

/**
 * The one place in cxld and cxlctl that turns text into numbers (the build forbids
 * {@code Long.parseLong}, {@code Integer.parseInt}, {@code Long.decode} and their kin everywhere
 * else). Each method accepts exactly one notation and throws {@link NumberFormatException} naming
 * the text otherwise, so a caller decides what a bad value means for its own input (a sysfs
 * attribute, a uevent field, a trace field, a user's option). Pure.
 */
public final class Numbers {
    private Numbers() {}

    // compiled once: sysfs scans parse hundreds of attributes per request
    private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]{1,19}");
    private static final Pattern UNSIGNED_DECIMAL = Pattern.compile("[0-9]{1,20}");
    private static final Pattern HEX_DIGITS = Pattern.compile("[0-9a-fA-F]{1,16}");
    private static final Pattern OCTAL_DIGITS = Pattern.compile("[0-7]{1,11}");

    /** Signed decimal, as {@code %d} / {@code %ld} print it ({@code -1}, {@code 42}). */
    public static long decimal(String s) {
        if (s == null || !DECIMAL.matcher(s).matches()) {
            throw bad(s, "a decimal integer");
        }
        return Long.parseLong(s);
    }

    /** Signed decimal that fits an {@code int}. */
    public static int decimalInt(String s) {
        long v = decimal(s);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw bad(s, "a 32-bit decimal integer");
        }
        return (int) v;
    }

    /** Unsigned 64-bit decimal ({@code %llu}); a u64 is a {@code long} with the same bits. */
    public static long unsignedDecimal(String s) {
        if (s == null || !UNSIGNED_DECIMAL.matcher(s).matches()) {
            throw bad(s, "an unsigned decimal integer");
        }
        return Long.parseUnsignedLong(s, 10);
    }

    /** Unsigned 64-bit hex digits without a prefix ({@code ffff0000}). */
    public static long unsignedHex(String digits) {
        if (digits == null || !HEX_DIGITS.matcher(digits).matches()) {
            throw bad(digits, "hex digits");
        }
        return Long.parseUnsignedLong(digits, 16);
    }

    /**
     * Unsigned 64-bit, hex with {@code 0x} or decimal, as the kernel prints u64 attributes
     * ({@code %#llx}, {@code %pa}, {@code %llu}). Unlike {@code strtoull(s, NULL, 0)} a leading
     * zero does not mean octal: no kernel attribute cxld reads is printed in octal.
     */
    public static long unsigned(String s) {
        if (s != null && (s.startsWith("0x") || s.startsWith("0X"))) {
            return unsignedHex(s.substring(2));
        }
        return unsignedDecimal(s);
    }

    /** Octal digits ({@code 0660}, {@code 755}), as file modes are written. */
    public static int octal(String s) {
        if (s == null || !OCTAL_DIGITS.matcher(s).matches()) {
            throw bad(s, "octal digits");
        }
        long v = Long.parseLong(s, 8);
        if (v > Integer.MAX_VALUE) {
            throw bad(s, "an octal mode");
        }
        return (int) v;
    }

    /**
     * A number the way a person types one for a size or offset, with {@link Long#decode}'s
     * notations: decimal, {@code 0x}/{@code #} hex, a leading {@code 0} for octal, an optional sign.
     */
    public static long typed(String s) {
        if (s == null || s.isEmpty()) {
            throw bad(s, "a number");
        }
        try {
            return Long.decode(s);
        } catch (NumberFormatException e) {
            throw bad(s, "a number (decimal, 0x hex or 0 octal)");
        }
    }

    private static NumberFormatException bad(String s, String what) {
        return new NumberFormatException((s == null ? "nothing" : "\"" + s + "\"") + " is not " + what);
    }
}
