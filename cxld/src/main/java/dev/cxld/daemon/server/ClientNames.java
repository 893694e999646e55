package dev.cxld.daemon.server;

import dev.cxld.daemon.errors.Refusal;
import dev.cxld.protocol.ErrorCode;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The names a client may send, checked before anything is looked up or a path is built from them:
 * a memdev, region or decoder argument must be a name of the kernel's form for that kind
 * ({@code mem3}, {@code region0}, {@code decoder2.1}), and a name of another kind is named as such
 * ({@code region0 is a region, not a memdev}); the filter-like names (port, bus, dport: ndctl also
 * matches host device names such as {@code pci0000:0c} or {@code ACPI0017:00}) and free-text labels
 * (owner) are at most 64 printable characters, with no {@code /}, no control character and never
 * {@code .} or {@code ..}. Everything else is INVALID_ARGUMENT, with the offending name quoted
 * safely (cut at 64 characters).
 */
final class ClientNames {
    private ClientNames() {}

    static final int MAX = 64;

    private static final Pattern MEMDEV = Pattern.compile("mem[0-9]{1,9}");
    private static final Pattern REGION = Pattern.compile("region[0-9]{1,9}");
    private static final Pattern DECODER = Pattern.compile("decoder[0-9]{1,9}\\.[0-9]{1,9}");
    private static final Pattern PORT = Pattern.compile("(port|endpoint|root)[0-9]{1,9}");
    /** A device or filter name: what sysfs names hold, no path separator. */
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_:.+-]{1,64}");

    /** The kinds whose names have the kernel's one form, by argument name. */
    private static final Map<String, Pattern> STRICT = Map.of("memdev", MEMDEV, "memdevs", MEMDEV, "region", REGION,
            "decoder", DECODER, "root", DECODER);
    /** Arguments that hold a device name of a looser form. */
    private static final java.util.Set<String> DEVICES = java.util.Set.of("port", "bus", "dport", "target");
    /** Free-text labels kept in the state and shown to people. */
    private static final java.util.Set<String> LABELS = java.util.Set.of("owner");

    /** {@code value} of argument {@code arg} of {@code op}, checked as above; other arguments pass unchanged. */
    static String check(String op, String arg, String value) {
        Pattern strict = STRICT.get(arg);
        if (strict != null) {
            if (!strict.matcher(value).matches()) {
                throw refusal(op, arg, value, "not a " + kind(arg) + " name" + otherKind(arg, value));
            }
        } else if (arg.equals("target")) {
            if (!MEMDEV.matcher(value).matches() && !REGION.matcher(value).matches()) {
                throw refusal(op, arg, value, "not a memdev or region name" + otherKind(arg, value));
            }
        } else if (DEVICES.contains(arg)) {
            if (!DEVICE.matcher(value).matches() || value.equals(".") || value.equals("..")) {
                throw refusal(op, arg, value, "not a device name (letters, digits and _:.+-, at most " + MAX + ")");
            }
        } else if (LABELS.contains(arg)) {
            if (value.length() > MAX || value.codePoints().anyMatch(c -> Character.isISOControl(c) || c == '/')) {
                throw refusal(op, arg, value, "a label is at most " + MAX + " characters, with no / and no control"
                        + " character");
            }
        }
        return value;
    }

    private static String kind(String arg) {
        return switch (arg) {
            case "memdev", "memdevs" -> "memdev (memN)";
            case "region" -> "region (regionN)";
            default -> "decoder (decoderN.M)";
        };
    }

    /** ": it is a region" when {@code value} is the name of another kind of object than {@code arg} asks for. */
    private static String otherKind(String arg, String value) {
        String kind = MEMDEV.matcher(value).matches() ? "memdev" : REGION.matcher(value).matches() ? "region"
                : DECODER.matcher(value).matches() ? "decoder" : PORT.matcher(value).matches() ? "port" : null;
        return kind == null ? "" : ": it is a " + kind + "'s";
    }

    private static Refusal refusal(String op, String arg, String value, String why) {
        return new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": argument \"" + arg + "\" " + quote(value) + " is " + why);
    }

    /** {@code value} in quotes, control characters escaped, cut after {@link #MAX} characters. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder("\"");
        value.codePoints().limit(MAX).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append(value.codePointCount(0, value.length()) > MAX ? "\"..." : "\"").toString();
    }
}
