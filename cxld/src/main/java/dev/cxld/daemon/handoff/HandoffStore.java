package dev.cxld.daemon.handoff;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cxld.daemon.state.StateFiles;
import dev.cxld.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The handoffs on disk: {@code STATE_DIR/handoffs.json}, replaced atomically and kept safe as
 * {@link StateFiles} keeps every state file: a crash at any moment leaves either the old or the
 * new state, never a torn one; a file another user could have written is refused.
 */
public final class HandoffStore {
    static final String FILE = "handoffs.json";
    static final int VERSION = 1;

    private final StateFiles files;

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
        this.files = new StateFiles(stateDir);
    }

    /** A state file that exists but cannot be read as one: nothing in it is known. */
    public static final class Unreadable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public Path file() {
        return files.dir().resolve(FILE);
    }

    /** The saved state; empty when nothing was saved yet. A file that cannot be parsed is an error, never ignored. */
    public State load() throws IOException {
        java.util.Optional<Path> existing = files.existing(FILE);
        if (existing.isEmpty()) {
            return State.empty();
        }
        Path f = existing.get();
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
        files.replace(FILE, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
    }
}
