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
 * either the old or the new state, never a torn one.
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

    public Path file() {
        return dir.resolve(FILE);
    }

    /** The saved state; empty when nothing was saved yet. A file that cannot be parsed is an error, never ignored. */
    public State load() throws IOException {
        Path f = file();
        if (!Files.exists(f)) {
            return State.empty();
        }
        State s;
        try {
            s = Json.mapper().readValue(f.toFile(), State.class);
        } catch (IOException e) {
            throw new IOException(f + ": not a handoff state file cxld can read (" + e.getMessage()
                    + "); move it away to start without the handoffs it holds", e);
        }
        if (s.version() != VERSION) {
            throw new IOException(f + ": state version " + s.version() + ", this cxld reads version " + VERSION);
        }
        return s;
    }

    public void save(State s) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE + ".tmp");
        byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
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
