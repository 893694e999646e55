package dev.cxld.daemon.config;

import dev.cxld.daemon.errors.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The syntax of cxld's configuration: a main file and its drop-ins ({@code FILE.d/*.conf}, read
 * in name order after it), each of sections ({@code [KIND NAME]}) holding {@code key = value}
 * lines. Lines starting with {@code #} or {@code ;} are comments, and so is what follows a {@code #}
 * that blank space precedes on a setting's line ({@code serial = 0x100  # mem0}). A section named again in a later
 * file is merged into the earlier one, its keys replacing those set before (as systemd's drop-ins
 * do); within one file a section or key given twice is an error. What the keys mean is
 * {@link CxldConfig}'s.
 */
public final class ConfigFile {
    private static final Pattern SECTION = Pattern.compile("\\[\\s*([a-z][a-z-]*)(?:\\s+([^\\]\\s]+))?\\s*\\]");
    private static final Pattern ENTRY = Pattern.compile("([A-Za-z][A-Za-z0-9-]*)\\s*=\\s*(.*)");
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");
    private static final Pattern INLINE_COMMENT = Pattern.compile("(^|\\s+)#.*$");

    private ConfigFile() {}

    /** One {@code key = value}, and where it was set ({@code FILE:LINE}). */
    public record Entry(String key, String value, String source) {}

    /** A section: its kind and name, where it was first declared, and its keys (the last setting of each). */
    public record Section(String kind, String name, String source, Map<String, Entry> entries) {}

    /** The files read, in order, and the sections they declare, in order of first declaration. */
    public record Parsed(List<Path> files, List<Section> sections) {}

    /**
     * Reads {@code main} (which must exist when {@code required}) and then the {@code *.conf}
     * files of {@code main.d/} in name order.
     */
    public static Parsed load(Path main, boolean required) throws ConfigException {
        List<Path> files = new ArrayList<>();
        if (Files.exists(main) || required) {
            files.add(main);
        }
        Path dropIns = main.resolveSibling(main.getFileName() + ".d");
        if (Files.isDirectory(dropIns)) {
            try (Stream<Path> s = Files.list(dropIns)) {
                files.addAll(s.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().collect(Collectors.toList()));
            } catch (IOException e) {
                throw new ConfigException(dropIns.toString(), "cannot list the drop-ins: " + IoErrors.reason(e));
            }
        }
        Map<String, Section> merged = new LinkedHashMap<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new ConfigException(f.toString(), "no such file");
            } catch (IOException e) {
                throw new ConfigException(f.toString(), "cannot read it: " + IoErrors.reason(e));
            }
            for (Section s : parse(f.toString(), text)) {
                Section before = merged.get(key(s));
                if (before == null) {
                    merged.put(key(s), s);
                } else {
                    Map<String, Entry> entries = new LinkedHashMap<>(before.entries());
                    entries.putAll(s.entries());
                    merged.put(key(s), new Section(s.kind(), s.name(), before.source(), entries));
                }
            }
        }
        return new Parsed(List.copyOf(files), List.copyOf(merged.values()));
    }

    private static String key(Section s) {
        return s.kind() + " " + s.name();
    }

    /** The sections of one file's {@code text}; {@code file} names it in errors. */
    static List<Section> parse(String file, String text) throws ConfigException {
        List<Section> sections = new ArrayList<>();
        Map<String, String> declared = new LinkedHashMap<>();
        String kind = null;
        String name = null;
        String source = null;
        Map<String, Entry> entries = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = file + ":" + (i + 1);
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.indexOf('\0') >= 0) {
                throw new ConfigException(where, "a NUL byte: this is not a text file");
            }
            if (line.startsWith("[")) {
                Matcher m = SECTION.matcher(line);
                if (!m.matches()) {
                    throw new ConfigException(where, "\"" + line + "\" is not a section header: write [KIND NAME],"
                            + " e.g. [accelerator accel0]");
                }
                if (kind != null) {
                    sections.add(new Section(kind, name, source, entries));
                }
                kind = m.group(1);
                name = m.group(2) == null ? "" : m.group(2);
                if (!name.isEmpty() && !NAME.matcher(name).matches()) {
                    throw new ConfigException(where, "\"" + name + "\" is not a section name: 1 to 64 letters, digits"
                            + " and _ . : @ -");
                }
                String first = declared.putIfAbsent(kind + " " + name, where);
                if (first != null) {
                    throw new ConfigException(where, "[" + (kind + " " + name).strip() + "] again; it was declared at "
                            + first + " (one file declares a section once; a drop-in may add to it)");
                }
                source = where;
                entries = new LinkedHashMap<>();
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (!m.matches()) {
                throw new ConfigException(where, "\"" + line + "\" is not a setting: write key = value");
            }
            if (kind == null) {
                throw new ConfigException(where, m.group(1) + " is set outside any section; put it under one, e.g."
                        + " [accelerator accel0]");
            }
            String key = m.group(1).toLowerCase(java.util.Locale.ROOT);
            String value = INLINE_COMMENT.matcher(m.group(2)).replaceFirst("").strip();
            Entry before = entries.put(key, new Entry(key, value, where));
            if (before != null) {
                throw new ConfigException(where, key + " is set twice in [" + (kind + " " + name).strip()
                        + "]; it was set at " + before.source());
            }
        }
        if (kind != null) {
            sections.add(new Section(kind, name, source, entries));
        }
        return sections;
    }
}
