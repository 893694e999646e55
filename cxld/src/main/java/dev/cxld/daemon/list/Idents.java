package dev.cxld.daemon.list;

import dev.cxld.protocol.Numbers;

import dev.cxld.daemon.sysfs.SysfsValues;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.PortKind;
import dev.cxld.protocol.model.Region;
import java.nio.file.Path;
import java.util.function.Predicate;
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
            return Numbers.decimal(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static long id(String name) {
        Matcher m = Pattern.compile("(\\d+)$").matcher(name);
        return m.find() && m.group(1).length() <= 18 ? Numbers.unsignedDecimal(m.group(1)) : -1;
    }

    private static boolean idOrName(String word, String prefix, String devname) {
        Long n = number(word, "");
        if (n == null) {
            n = number(word, prefix);
        }
        return (n != null && n == id(devname)) || word.equals(devname);
    }

    /** No filter matches everything; otherwise some word of it must satisfy {@code word}. */
    private static boolean anyWord(String ident, Predicate<String> word) {
        if (ident == null) {
            return true;
        }
        for (String w : words(ident)) {
            if (w.equals("all") || word.test(w)) {
                return true;
            }
        }
        return false;
    }

    static boolean memdev(Memdev m, String ident, String serials) {
        if (!anyWord(ident, w -> idOrName(w, "mem", m.memdev()))) {
            return false;
        }
        if (serials == null) {
            return true;
        }
        for (String w : words(serials)) {
            Long s = serial(w);
            if (s != null && s.equals(m.serial())) {
                return true;
            }
        }
        return false;
    }

    /** strtoull(word, 0) as ndctl's -s does; a word that is not a number matches no serial. */
    private static Long serial(String word) {
        try {
            return SysfsValues.u64(Path.of("--serial"), word);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A bus is its root port; its provider is named after the platform device that published it. */
    static String provider(Port root) {
        return root.provider();
    }

    static boolean bus(Port root, String ident) {
        return anyWord(ident, w -> idOrName(w, "root", root.port()) || w.equals(provider(root)));
    }

    private static boolean kind(String w, PortKind kind) {
        return (w.equals("root") && kind == PortKind.ROOT)
                || (w.equals("switch") && kind == PortKind.SWITCH)
                || (w.equals("endpoint") && kind == PortKind.ENDPOINT);
    }

    /** The port itself matches one word: a kind, its id or name, or its host device (ndctl's __util_cxl_port_filter). */
    static boolean portSelf(Port p, String ident) {
        return anyWord(ident, w -> kind(w, p.kind()) || idOrName(w, "port", p.port()) || w.equals(p.host()));
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
        return anyWord(ident, w -> idOrName(w, "endpoint", e.port()) || w.equals(e.host()));
    }

    static boolean decoder(TopologyIndex ix, Decoder d, String ident) {
        Port port = ix.port(d.port());
        return anyWord(ident, w -> {
            if (w.equals(d.decoder()) || (port != null && kind(w, port.kind()))) {
                return true;
            }
            Matcher m = DECODER_ID.matcher(w);
            return m.find() && d.decoder().equals("decoder" + Numbers.unsignedDecimal(m.group(1)) + "." + Numbers.unsignedDecimal(m.group(2)));
        });
    }

    static boolean region(Region r, String ident) {
        return anyWord(ident, w -> idOrName(w, "region", r.region()));
    }
}
