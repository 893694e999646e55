package dev.cxld.daemon.sysfs.capture;

import dev.cxld.protocol.Numbers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/** Turns a captured tree, as stored (no symlinks, no empty directories), back into a sysfs-like tree. */
public final class CaptureTree {
    private CaptureTree() {}

    /**
     * Recreates the capture in {@code source} under {@code dest} from its manifest: directories,
     * attribute files with their contents and modes, write-only and unreadable attributes as empty
     * files with their modes, and the symlinks. {@code dest} must not exist or be empty.
     */
    public static CaptureManifest materialize(Path source, Path dest) throws IOException {
        CaptureManifest manifest = CaptureManifest.read(source);
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(dest)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(dest + ": directory is not empty");
                }
            }
        }
        Files.createDirectories(dest);
        for (ManifestEntry e : manifest.entries()) {
            Path target = inside(dest, e.path());
            switch (e.kind()) {
                case DIR:
                    Files.createDirectories(target);
                    break;
                case FILE:
                    Files.createDirectories(target.getParent());
                    Path from = inside(source, e.path());
                    if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException(from + ": listed in the manifest but missing from the capture");
                    }
                    Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
                    setMode(target, e.mode());
                    break;
                case WRITE_ONLY:
                case UNREADABLE:
                    Files.createDirectories(target.getParent());
                    Files.write(target, new byte[0]);
                    setMode(target, e.mode());
                    break;
                case LINK:
                    Files.createDirectories(target.getParent());
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(e.detail()));
                    break;
                default:
                    throw new IllegalStateException(e.kind().name());
            }
        }
        manifest.write(dest);
        return manifest;
    }

    private static Path inside(Path base, String rel) throws IOException {
        Path p = base.resolve(rel).normalize();
        if (!p.startsWith(base.normalize())) {
            throw new IOException("manifest path escapes the capture: " + rel);
        }
        return p;
    }

    /** Sets the permission bits of {@code file} from an octal string such as {@code 0200}. */
    static void setMode(Path file, String mode) throws IOException {
        int m;
        try {
            m = Numbers.octal(mode);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": mode " + e.getMessage());
        }
        StringBuilder rwx = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            rwx.append((m & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(rwx.toString()));
    }
}
