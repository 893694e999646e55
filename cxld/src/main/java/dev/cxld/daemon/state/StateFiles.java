package dev.cxld.daemon.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.TreeSet;

/**
 * The files of cxld's state directory ({@code handoffs.json}, {@code region-changes.json}): the directory
 * is made mode 0700 and each file 0600; a directory or file that is a symbolic link, that another
 * user owns or that others may write is refused (another user could plant or change state), so
 * cxld does not start. A file is replaced atomically (a temporary file written and fsynced, renamed
 * over the old one, the directory fsynced): a crash at any moment leaves the old or the new
 * content, never a torn one.
 */
public final class StateFiles {
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    private final Path dir;

    public StateFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** This process's uid: who must own the state. */
    static long uid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /**
     * Refuses {@code p} (the state directory or a file in it) when it is a symbolic link, not of its
     * kind, owned by another user, or writable by group or others.
     */
    static void checkSafe(Path p, boolean directory) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String what = directory ? "state directory " : "state file ";
        if (a.isSymbolicLink()) {
            throw new IOException(what + p + " is a symbolic link; cxld keeps its state only in a " + (directory
                    ? "directory" : "file") + " of its own (not followed: remove the link, or choose another --state-dir)");
        }
        if (directory ? !a.isDirectory() : !a.isRegularFile()) {
            throw new IOException(what + p + " is not a " + (directory ? "directory" : "regular file"));
        }
        long owner = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        if (owner != uid()) {
            throw new IOException(what + p + " belongs to uid " + owner + ", not to cxld's uid " + uid()
                    + ": another user could plant or change handoffs in it; chown it to cxld's user or choose another"
                    + " --state-dir");
        }
        Set<PosixFilePermission> writable = new TreeSet<>(a.permissions());
        writable.retainAll(OTHERS_WRITE);
        if (!writable.isEmpty()) {
            throw new IOException(what + p + " is writable by " + (writable.size() == 2 ? "its group and others"
                    : writable.contains(PosixFilePermission.GROUP_WRITE) ? "its group" : "others")
                    + " (mode " + PosixFilePermissions.toString(a.permissions())
                    + "): another user could plant or change handoffs; chmod go-w it");
        }
    }

    /** The state directory, made (0700) when missing, and checked. */
    public void directory() throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        checkSafe(dir, true);
    }

    /** {@code name} in the checked directory, checked itself when it exists; empty when it does not. */
    public java.util.Optional<Path> existing(String name) throws IOException {
        directory();
        Path f = dir.resolve(name);
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return java.util.Optional.empty();
        }
        checkSafe(f, false);
        return java.util.Optional.of(f);
    }

    /** Replaces {@code name} with {@code bytes} atomically and durably (see the class comment). */
    public void replace(String name, byte[] bytes) throws IOException {
        directory();
        Path tmp = dir.resolve(name + ".tmp");
        Files.deleteIfExists(tmp); // what a killed save left; a new one is made 0600, not opened through a link
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // a full disk keeps no partial file
            throw e;
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    /** Removes {@code name}, durably; nothing when it is not there. */
    public void remove(String name) throws IOException {
        if (Files.deleteIfExists(dir.resolve(name))) {
            syncDirectory();
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
