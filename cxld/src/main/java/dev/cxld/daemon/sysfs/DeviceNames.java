package dev.cxld.daemon.sysfs;

import dev.cxld.protocol.Numbers;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kernel device names of the CXL bus and their natural order ({@code mem2} before {@code mem10}). */
public final class DeviceNames {
    static final Pattern PORT = Pattern.compile("(root|port|endpoint)(\\d+)");
    static final Pattern DECODER = Pattern.compile("decoder(\\d+)\\.(\\d+)");
    static final Pattern MEMDEV = Pattern.compile("mem(\\d+)");
    static final Pattern REGION = Pattern.compile("region(\\d+)");
    static final Pattern DPORT = Pattern.compile("dport(\\d+)");
    static final Pattern TARGET = Pattern.compile("target(\\d+)");

    private static final Pattern PARTS = Pattern.compile("(\\D*)(\\d*)(?:\\.(\\d+))?");

    private DeviceNames() {}

    /** A port, decoder, memdev or region name: the objects a snapshot holds. */
    public static boolean isCxlObject(String name) {
        return PORT.matcher(name).matches() || DECODER.matcher(name).matches()
                || MEMDEV.matcher(name).matches() || REGION.matcher(name).matches();
    }

    /** A name parsed for ordering: its prefix, its number and its instance (-1 where absent). */
    private record Key(String prefix, long first, long second, String name) {
        static final Comparator<Key> ORDER = Comparator.comparing(Key::prefix).thenComparingLong(Key::first)
                .thenComparingLong(Key::second).thenComparing(Key::name);

        static Key of(String name) {
            Matcher m = PARTS.matcher(name);
            boolean ok = m.matches();
            return new Key(ok && m.group(1) != null ? m.group(1) : "", number(ok ? m.group(2) : null),
                    number(ok ? m.group(3) : null), name);
        }
    }

    /** By prefix, then by number, then by instance: root0, port1, port10, decoder1.2, decoder1.10. */
    static final Comparator<String> ORDER = Comparator.comparing(Key::of, Key.ORDER);

    /**
     * {@code names} in {@link #ORDER}, each name parsed once (ORDER parses both names at every
     * comparison: on 6,000 devices that was most of a refresh after a uevent).
     */
    static List<String> sorted(java.util.Collection<String> names) {
        List<Key> keys = new java.util.ArrayList<>(names.size());
        names.forEach(n -> keys.add(Key.of(n)));
        keys.sort(Key.ORDER);
        List<String> out = new java.util.ArrayList<>(keys.size());
        keys.forEach(k -> out.add(k.name()));
        return out;
    }

    /** The port id a decoder belongs to: {@code decoder3.1} → 3. */
    static long decoderPortId(String decoder) {
        Matcher m = DECODER.matcher(decoder);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a decoder name: " + decoder);
        }
        return Numbers.unsignedDecimal(m.group(1));
    }

    /** The id of a port: {@code endpoint3} → 3. */
    static long portId(String port) {
        Matcher m = PORT.matcher(port);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a port name: " + port);
        }
        return Numbers.unsignedDecimal(m.group(2));
    }

    private static long number(String digits) {
        return digits == null || digits.isEmpty() || digits.length() > 18 ? -1 : Numbers.unsignedDecimal(digits);
    }
}
