package dev.cxld.daemon.sysfs.capture;

import dev.cxld.daemon.sysfs.capture.ManifestEntry.Kind;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The index of a captured sysfs tree: every directory, attribute and symlink that was found, with
 * the attributes that could not be read and why. File contents live in the tree next to it; the
 * manifest is what lets a tree without symlinks or empty directories (as git and Maven resource
 * copying leave it) be turned back into a faithful tree by {@link CaptureTree#materialize}.
 *
 * <p>Format: UTF-8 text, one entry per line, fields separated by TAB; {@code #} lines are comments;
 * {@code @key<TAB>value} lines are notes (kernel release, QEMU version, ...). Entry lines:
 * {@code d PATH}, {@code f MODE PATH}, {@code w MODE PATH}, {@code u MODE PATH REASON},
 * {@code l PATH TARGET}. Backslash, TAB and newline inside fields are escaped as {@code \\},
 * {@code \t}, {@code \n}.
 */
public record CaptureManifest(Map<String, String> notes, List<ManifestEntry> entries) {
    /** File name of the manifest at the top of a captured tree. */
    public static final String FILE_NAME = "cxld-capture.manifest";

    private static final String HEADER = "# cxld sysfs capture, format 1";

    public CaptureManifest {
        notes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(notes));
        List<ManifestEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(ManifestEntry::path));
        entries = List.copyOf(sorted);
    }

    /** Writes this manifest as {@code dir/cxld-capture.manifest}. */
    public void write(Path dir) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.newLine();
            for (Map.Entry<String, String> note : notes.entrySet()) {
                w.write("@" + escape(note.getKey()) + "\t" + escape(note.getValue()));
                w.newLine();
            }
            for (ManifestEntry e : entries) {
                w.write(line(e));
                w.newLine();
            }
        }
    }

    /** Reads {@code dir/cxld-capture.manifest}. */
    public static CaptureManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": not a cxld sysfs capture (no " + FILE_NAME + ")");
        }
        Map<String, String> notes = new LinkedHashMap<>();
        List<ManifestEntry> entries = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            try {
                if (line.startsWith("@")) {
                    notes.put(unescape(f[0].substring(1)), unescape(f[1]));
                } else {
                    entries.add(parse(f));
                }
            } catch (RuntimeException e) {
                throw new IOException(file + ":" + lineNo + ": malformed manifest line: " + e.getMessage(), e);
            }
        }
        return new CaptureManifest(notes, entries);
    }

    private static String line(ManifestEntry e) {
        String tag = String.valueOf(e.kind().tag);
        switch (e.kind()) {
            case DIR:
                return tag + "\t" + escape(e.path());
            case FILE:
            case WRITE_ONLY:
                return tag + "\t" + e.mode() + "\t" + escape(e.path());
            case UNREADABLE:
                return tag + "\t" + e.mode() + "\t" + escape(e.path()) + "\t" + escape(e.detail());
            case LINK:
                return tag + "\t" + escape(e.path()) + "\t" + escape(e.detail());
            default:
                throw new IllegalStateException(e.kind().name());
        }
    }

    private static ManifestEntry parse(String[] f) {
        if (f[0].length() != 1) {
            throw new IllegalArgumentException("bad tag '" + f[0] + "'");
        }
        Kind kind = Kind.ofTag(f[0].charAt(0));
        int want = kind == Kind.DIR ? 2 : kind == Kind.UNREADABLE ? 4 : 3;
        if (f.length != want) {
            throw new IllegalArgumentException(kind + " needs " + want + " fields, found " + f.length);
        }
        switch (kind) {
            case DIR:
                return ManifestEntry.dir(unescape(f[1]));
            case FILE:
            case WRITE_ONLY:
                return new ManifestEntry(kind, unescape(f[2]), mode(f[1]), null);
            case UNREADABLE:
                return new ManifestEntry(kind, unescape(f[2]), mode(f[1]), unescape(f[3]));
            case LINK:
                return ManifestEntry.link(unescape(f[1]), unescape(f[2]));
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    private static String mode(String s) {
        if (!s.matches("[0-7]{4}")) {
            throw new IllegalArgumentException("bad mode '" + s + "'");
        }
        return s;
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i == s.length()) {
                throw new IllegalArgumentException("dangling backslash in '" + s + "'");
            }
            char n = s.charAt(i);
            b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
        }
        return b.toString();
    }
}
