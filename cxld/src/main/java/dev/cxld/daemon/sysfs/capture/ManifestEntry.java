package dev.cxld.daemon.sysfs.capture;

import java.util.Objects;

/**
 * One line of a capture manifest: what was found at {@code path} (relative to the sysfs root).
 *
 * @param kind what the path is
 * @param path path relative to the captured root, '/'-separated, never absolute
 * @param mode octal permission bits for files ({@code null} for directories and links)
 * @param detail link target for {@link Kind#LINK}, the read error for {@link Kind#UNREADABLE}
 */
public record ManifestEntry(Kind kind, String path, String mode, String detail) {

    /** The kinds of entries, each with its one-letter tag in the manifest. */
    public enum Kind {
        /** A directory. */
        DIR('d'),
        /** A readable attribute whose contents are in the tree. */
        FILE('f'),
        /** An attribute without read permission (e.g. {@code delete_region}, {@code bind}); not read. */
        WRITE_ONLY('w'),
        /** An attribute whose read failed; {@code detail} says why. */
        UNREADABLE('u'),
        /** A symbolic link; {@code detail} is its target exactly as the kernel wrote it. */
        LINK('l');

        final char tag;

        Kind(char tag) {
            this.tag = tag;
        }

        static Kind ofTag(char tag) {
            for (Kind k : values()) {
                if (k.tag == tag) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown manifest entry tag '" + tag + "'");
        }
    }

    public ManifestEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        if (path.isEmpty() || path.startsWith("/")) {
            throw new IllegalArgumentException("manifest path must be relative and non-empty: '" + path + "'");
        }
        if (kind == Kind.LINK && detail == null) {
            throw new IllegalArgumentException("link without target: " + path);
        }
    }

    static ManifestEntry dir(String path) {
        return new ManifestEntry(Kind.DIR, path, null, null);
    }

    static ManifestEntry link(String path, String target) {
        return new ManifestEntry(Kind.LINK, path, null, target);
    }
}
