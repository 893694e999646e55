package dev.cxld.daemon.config;

import dev.cxld.daemon.policy.AcceleratorRule;
import dev.cxld.protocol.Numbers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What cxld's configuration says ({@link ConfigFile} reads it). Two kinds of section:
 *
 * <pre>
 * [daemon]                  # cxld's command-line options, by their long names without "--":
 * socket = /run/cxld/cxld.sock
 * max-connections-per-user = 64
 * follow = yes              # a flag: yes or no
 * </pre>
 *
 * <p>What a {@code [daemon]} key may be and mean is the command line's (Main checks each one as
 * if given there, and flags given there win); and
 *
 * <pre>
 * [accelerator NAME]        # a memdev that is an accelerator's memory, handed off at probe time
 * serial = 0x100            # its PCIe serial number (memN/serial), and/or
 * pci = 8086:0d93           # the PCI vendor:device of its function, as lspci -n prints it
 * holder = LABEL            # recorded as the handoff's holder (default: NAME)
 * create-region = no        # yes: give it a region when it has none (cxld owns and destroys it)
 * user = NAME|UID           # made owner of /dev/daxX.Y while the handoff lasts (default: none)
 * </pre>
 */
public record CxldConfig(List<Path> files, List<AcceleratorRule> accelerators, List<ConfigFile.Entry> daemon) {
    public static final String ACCELERATOR = "accelerator";
    public static final String DAEMON = "daemon";
    static final Set<String> ACCELERATOR_KEYS = Set.of("serial", "pci", "holder", "create-region", "user");
    private static final Pattern PCI = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{4})");
    private static final Pattern LABEL = Pattern.compile("[\\p{Graph} ]{1,64}");

    public CxldConfig {
        files = List.copyOf(files);
        accelerators = List.copyOf(accelerators);
        daemon = List.copyOf(daemon);
    }

    public CxldConfig(List<Path> files, List<AcceleratorRule> accelerators) {
        this(files, accelerators, List.of());
    }

    /** No files, no accelerators, no options. */
    public static CxldConfig none() {
        return new CxldConfig(List.of(), List.of(), List.of());
    }

    /**
     * Reads and checks {@code main} and its drop-ins ({@link ConfigFile#load}); {@code uidOf}
     * looks a user's name up (empty: no such user).
     */
    public static CxldConfig load(Path main, boolean required, Function<String, OptionalLong> uidOf)
            throws ConfigException {
        ConfigFile.Parsed parsed = ConfigFile.load(main, required);
        List<AcceleratorRule> accelerators = new ArrayList<>();
        Map<String, AcceleratorRule> byMatch = new HashMap<>();
        List<ConfigFile.Entry> daemon = new ArrayList<>();
        for (ConfigFile.Section s : parsed.sections()) {
            if (s.kind().equals(DAEMON)) {
                if (!s.name().isEmpty()) {
                    throw new ConfigException(s.source(), "[daemon " + s.name() + "]: the daemon section has no name;"
                            + " write [daemon]");
                }
                daemon.addAll(s.entries().values());
                continue;
            }
            if (!s.kind().equals(ACCELERATOR)) {
                throw new ConfigException(s.source(), "unknown section [" + (s.kind() + " " + s.name()).strip()
                        + "]; cxld knows [daemon] and [accelerator NAME]");
            }
            AcceleratorRule r = accelerator(s, uidOf);
            AcceleratorRule same = byMatch.putIfAbsent(r.describeMatch(), r);
            if (same != null) {
                throw new ConfigException(r.source(), "accelerator " + r.name() + " names the same memdevs ("
                        + r.describeMatch() + ") as accelerator " + same.name() + " at " + same.source());
            }
            accelerators.add(r);
        }
        return new CxldConfig(parsed.files(), accelerators, daemon);
    }

    private static AcceleratorRule accelerator(ConfigFile.Section s, Function<String, OptionalLong> uidOf)
            throws ConfigException {
        if (s.name().isEmpty()) {
            throw new ConfigException(s.source(), "[accelerator] needs a name: [accelerator NAME]");
        }
        for (ConfigFile.Entry e : s.entries().values()) {
            if (!ACCELERATOR_KEYS.contains(e.key())) {
                throw new ConfigException(e.source(), "unknown key " + e.key() + " in [accelerator " + s.name()
                        + "]; known: " + String.join(", ", new java.util.TreeSet<>(ACCELERATOR_KEYS)));
            }
        }
        Long serial = null;
        ConfigFile.Entry e = s.entries().get("serial");
        if (e != null) {
            try {
                serial = Numbers.unsigned(e.value());
            } catch (NumberFormatException x) {
                throw new ConfigException(e.source(), "serial: " + x.getMessage() + " (a number: 0x100 or 256)");
            }
        }
        AcceleratorRule.PciId pci = null;
        e = s.entries().get("pci");
        if (e != null) {
            java.util.regex.Matcher m = PCI.matcher(e.value());
            if (!m.matches()) {
                throw new ConfigException(e.source(), "pci: \"" + e.value() + "\" is not VENDOR:DEVICE in hex, as lspci -n"
                        + " prints it (8086:0d93)");
            }
            pci = new AcceleratorRule.PciId((int) Numbers.unsignedHex(m.group(1)), (int) Numbers.unsignedHex(m.group(2)));
        }
        if (serial == null && pci == null) {
            throw new ConfigException(s.source(), "[accelerator " + s.name() + "] names no memdev: set serial (memN/serial),"
                    + " pci (VENDOR:DEVICE) or both");
        }
        String holder = s.name();
        e = s.entries().get("holder");
        if (e != null) {
            if (!LABEL.matcher(e.value()).matches()) {
                throw new ConfigException(e.source(), "holder: 1 to 64 printable characters, not \"" + e.value() + "\"");
            }
            holder = e.value();
        }
        boolean create = false;
        e = s.entries().get("create-region");
        if (e != null) {
            create = bool(e);
        }
        Long uid = null;
        String user = null;
        e = s.entries().get("user");
        if (e != null) {
            user = e.value();
            if (user.matches("[0-9]{1,10}")) {
                uid = Numbers.unsignedDecimal(user);
            } else {
                OptionalLong found = ConfigFile.NAME.matcher(user).matches() ? uidOf.apply(user) : OptionalLong.empty();
                if (found.isEmpty()) {
                    throw new ConfigException(e.source(), "user: no user \"" + user + "\" on this host");
                }
                uid = found.getAsLong();
            }
        }
        return new AcceleratorRule(s.name(), s.source(), serial, pci, holder, create, uid, user);
    }

    private static boolean bool(ConfigFile.Entry e) throws ConfigException {
        switch (e.value().toLowerCase(java.util.Locale.ROOT)) {
            case "yes": case "true": case "on": case "1":
                return true;
            case "no": case "false": case "off": case "0":
                return false;
            default:
                throw new ConfigException(e.source(), e.key() + ": \"" + e.value() + "\" is not yes or no");
        }
    }
}
