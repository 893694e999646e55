package dev.cxld.daemon.list;

import dev.cxld.daemon.sysfs.SysfsValues;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.PortKind;
import dev.cxld.protocol.model.Region;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Matching objects against cxl list's filter arguments: a list of words separated by spaces (or,
 * if there are none, commas), any of which may match: {@code all}, a number ({@code 2}), a
 * prefixed number ({@code mem2}, {@code decoder3.1}), a device name, and for ports and decoders a
 * class ({@code root}, {@code switch}, {@code endpoint}); for buses also the provider.
 */
final class Idents {
    private static final Pattern LEADING_INT = Pattern.compile("^\\s*([+-]?\\d+)");
    private static final Pattern DECODER_ID = Pattern.compile("^(?:decoder)?(\\d+)\\.(\\d+)");

    private Idents() {}

    static String[] words(String filter) {
        return filter.split(filter.indexOf(' ') >= 0 ? " " : filter.indexOf(',') >= 0 ? "," : " ");
    }

    /** sscanf(word, prefix + "%d"): the number after the prefix, or null. */
    static Long number(String word, String prefix) {
        if (!word.startsWith(prefix)) {
            return null;
        }
        Matcher m = LEADING_INT.matcher(word.substring(prefix.length()));
        if (!m.find() || (!prefix.isEmpty() && Character.isWhitespace(word.charAt(prefix.length())))) {
            return null;
        }
        try {
            return Long.valueOf(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static long id(String name) {
        Matcher m = Pattern.compile("(\\d+)$").matcher(name);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static boolean idOrName(String word, String prefix, String devname) {
        Long n = number(word, "");
        if (n == null) {
            n = number(word, prefix);
        }
        return (n != null && n == id(devname)) || word.equals(devname);
    }

    static boolean memdev(Memdev m, String ident, String serials) {
        if (ident != null) {
            boolean hit = false;
            for (String w : words(ident)) {
                if (w.equals("all") || idOrName(w, "mem", m.memdev())) {
                    hit = true;
                    break;
                }
            }
            if (!hit) {
                return false;
            }
        }
        if (serials == null) {
            return true;
        }
        for (String w : words(serials)) {
            if (w.isEmpty()) {
                continue;
            }
            try {
                if (m.serial() != null && SysfsValues.u64(Path.of("--serial"), w) == m.serial()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // not a number: matches nothing, as strtoull with a trailing rest does in ndctl
            }
        }
        return false;
    }

    /** A bus is its root port; its provider is named after the platform device that published it. */
    static String provider(Port root) {
        if ("ACPI0017:00".equals(root.host())) {
            return "ACPI.CXL";
        }
        if ("cxl_acpi.0".equals(root.host())) {
            return "cxl_test";
        }
        return root.host();
    }

    static boolean bus(Port root, String ident) {
        if (ident == null) {
            return true;
        }
        for (String w : words(ident)) {
            if (w.equals("all") || idOrName(w, "root", root.port()) || w.equals(provider(root))) {
                return true;
            }
        }
        return false;
    }

    /** The port itself matches one word. */
    static boolean portSelf(Port p, String ident) {
        if (ident == null) {
            return true;
        }
        for (String w : words(ident)) {
            if (w.equals("all")
                    || (w.equals("root") && p.kind() == PortKind.ROOT)
                    || (w.equals("switch") && p.kind() == PortKind.SWITCH)
                    || (w.equals("endpoint") && p.kind() == PortKind.ENDPOINT)
                    || idOrName(w, "port", p.port())) {
                return true;
            }
        }
        return false;
    }

    /** The port or (unless single) one of its ancestors matches. */
    static boolean port(TopologyIndex ix, Port p, String ident, boolean single) {
        for (Port q = p; q != null; q = ix.parent(q)) {
            if (portSelf(q, ident)) {
                return true;
            }
            if (single) {
                return false;
            }
        }
        return false;
    }

    static boolean endpoint(Port e, String ident) {
        if (ident == null) {
            return true;
        }
        for (String w : words(ident)) {
            if (w.equals("all") || idOrName(w, "endpoint", e.port())) {
                return true;
            }
        }
        return false;
    }

    static boolean decoder(TopologyIndex ix, Decoder d, String ident) {
        if (ident == null) {
            return true;
        }
        Port port = ix.port(d.port());
        for (String w : words(ident)) {
            if (w.equals("all") || w.equals(d.decoder())) {
                return true;
            }
            if (port != null && ((w.equals("root") && port.kind() == PortKind.ROOT)
                    || (w.equals("switch") && port.kind() == PortKind.SWITCH)
                    || (w.equals("endpoint") && port.kind() == PortKind.ENDPOINT))) {
                return true;
            }
            Matcher m = DECODER_ID.matcher(w);
            if (m.find() && d.decoder().equals("decoder" + Long.parseLong(m.group(1)) + "." + Long.parseLong(m.group(2)))) {
                return true;
            }
        }
        return false;
    }

    static boolean region(Region r, String ident) {
        if (ident == null) {
            return true;
        }
        for (String w : words(ident)) {
            if (w.equals("all") || idOrName(w, "region", r.region())) {
                return true;
            }
        }
        return false;
    }
}
