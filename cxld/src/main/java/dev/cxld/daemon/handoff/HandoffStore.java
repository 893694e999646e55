package dev.cxld.daemon.handoff;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cxld.protocol.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The handoffs on disk: {@code STATE_DIR/handoffs.json}, replaced atomically (write a temporary
 * file, fsync it, rename it over the old one, fsync the directory), so a crash at any moment leaves
 * either the old or the new state, never a torn one. The directory is made mode 0700 and the file
 * 0600; a directory or file that is a symbolic link, that another user owns or that others may
 * write is refused (another user could plant or change handoffs), and so cxld does not start.
 */
public final class HandoffStore {
    static final String FILE = "handoffs.json";
    static final int VERSION = 1;

    private final Path dir;

    /** The file's content. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record State(int version, List<Handoff> handoffs, List<Revoked> revoked, List<Teardown> teardowns) {
        public State {
            handoffs = List.copyOf(handoffs == null ? List.of() : handoffs);
            revoked = List.copyOf(revoked == null ? List.of() : revoked);
            teardowns = List.copyOf(teardowns == null ? List.of() : teardowns);
        }

        public State(int version, List<Handoff> handoffs, List<Revoked> revoked) {
            this(version, handoffs, revoked, List.of());
        }

        public static State empty() {
            return new State(VERSION, List.of(), List.of());
        }
    }

    public HandoffStore(Path stateDir) {
        this.dir = stateDir;
    }

    /** A state file that exists but cannot be read as one: nothing in it is known. */
    public static final class Unreadable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OTHERS_WRITE = java.util.Set.of(
            java.nio.file.attribute.PosixFilePermission.GROUP_WRITE, java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);

    /** This process's uid: who must own the state. */
    static long uid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /**
     * Refuses {@code p} (the state directory or file) when it is a symbolic link, not of its kind,
     * owned by another user, or writable by group or others.
     */
    static void checkSafe(Path p, boolean directory) throws IOException {
        java.nio.file.attribute.PosixFileAttributes a = Files.readAttributes(p,
                java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        String what = directory ? "state directory " : "state file ";
        if (a.isSymbolicLink()) {
            throw new IOException(what + p + " is a symbolic link; cxld keeps its state only in a " + (directory
                    ? "directory" : "file") + " of its own (not followed: remove the link, or choose another --state-dir)");
        }
        if (directory ? !a.isDirectory() : !a.isRegularFile()) {
            throw new IOException(what + p + " is not a " + (directory ? "directory" : "regular file"));
        }
        long owner = ((Number) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
        if (owner != uid()) {
            throw new IOException(what + p + " belongs to uid " + owner + ", not to cxld's uid " + uid()
                    + ": another user could plant or change handoffs in it; chown it to cxld's user or choose another"
                    + " --state-dir");
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> writable = new java.util.TreeSet<>(a.permissions());
        writable.retainAll(OTHERS_WRITE);
        if (!writable.isEmpty()) {
            throw new IOException(what + p + " is writable by " + (writable.size() == 2 ? "its group and others"
                    : writable.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE) ? "its group" : "others")
                    + " (mode " + java.nio.file.attribute.PosixFilePermissions.toString(a.permissions())
                    + "): another user could plant or change handoffs; chmod go-w it");
        }
    }

    /** The state directory, made (0700) when missing, and checked. */
    private void directory() throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
        checkSafe(dir, true);
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    /** The saved state; empty when nothing was saved yet. A file that cannot be parsed is an error, never ignored. */
    public State load() throws IOException {
        directory();
        Path f = file();
        if (!Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return State.empty();
        }
        checkSafe(f, false);
        State s;
        try {
            s = Json.mapper().readValue(f.toFile(), State.class);
            if (s == null) {
                throw new IOException("it is empty or null");
            }
        } catch (IOException e) {
            throw new Unreadable(f + ": not a handoff state file cxld can read (" + e.getMessage().lines().findFirst()
                    .orElse("") + ")", e);
        }
        if (s.version() != VERSION) {
            throw new IOException(f + ": state version " + s.version() + ", this cxld reads version " + VERSION);
        }
        return s;
    }

    public void save(State s) throws IOException {
        directory();
        Path tmp = dir.resolve(FILE + ".tmp");
        byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
        Files.deleteIfExists(tmp); // what a killed save left; a new one is made 0600, not opened through a link
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
