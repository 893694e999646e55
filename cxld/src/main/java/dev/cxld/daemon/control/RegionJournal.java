package dev.cxld.daemon.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cxld.daemon.state.StateFiles;
import dev.cxld.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The region creates and destroys under way, on disk: {@code STATE_DIR/region-changes.json}. An
 * entry is written durably before the kernel is asked for anything (for a create, once the
 * region's name is known), and removed when the change is done or undone; for a region made for a
 * handoff, only once the handoff is saved or refused. What is left at start is a change cxld did
 * not finish: a create is finished or rolled back then, a destroy finished
 * ({@link RegionControl#recover}). The file is kept as every state file is ({@link StateFiles}); no
 * file means no change is under way.
 */
public final class RegionJournal {
    static final String FILE = "region-changes.json";
    static final int VERSION = 1;

    /** A create, or a destroy. */
    public enum Op {
        @com.fasterxml.jackson.annotation.JsonProperty("create") CREATE,
        @com.fasterxml.jackson.annotation.JsonProperty("destroy") DESTROY
    }

    /**
     * One change under way.
     *
     * @param op create or destroy
     * @param region the region's name (for a create, as the root decoder gave it)
     * @param root the root decoder it is under
     * @param type ram or pmem
     * @param decoders the endpoint decoders it was to take or had, in target order
     * @param forHandoff the memdev whose attach-region --create made it; null: create-region, or a destroy
     * @param started when (ISO-8601)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(Op op, String region, String root, String type, List<String> decoders, String forHandoff,
            String started) {
        public Entry {
            op = op == null ? Op.CREATE : op;
            decoders = List.copyOf(decoders == null ? List.of() : decoders);
        }

        /** What was asked, for the log and status. */
        public String asked() {
            return op == Op.DESTROY ? "destroy-region" : forHandoff != null ? "attach-region --create of " + forHandoff
                    : "create-region";
        }
    }

    /** The file's content. */
    record State(int version, List<Entry> changes) {
        State {
            changes = List.copyOf(changes == null ? List.of() : changes);
        }
    }

    private final StateFiles files;
    private final List<Entry> entries = new ArrayList<>();
    /** Why the file on disk could not be read (kept untouched; changes refused); null: it could. */
    private String unreadable;

    /** A journal in {@code stateDir}; null: none (nothing is recorded, nothing is recovered). */
    public RegionJournal(Path stateDir) {
        this.files = stateDir == null ? null : new StateFiles(stateDir);
    }

    /** For callers that keep no state: changes are not recorded, and none is recovered. */
    public static RegionJournal none() {
        return new RegionJournal(null);
    }

    public Optional<Path> file() {
        return files == null ? Optional.empty() : Optional.of(files.dir().resolve(FILE));
    }

    /**
     * The changes left under way by an earlier cxld (read once, at start). A file that cannot be
     * read as a journal is kept as it is and gives none; region creates and destroys are refused
     * until it is repaired or removed ({@link #problem}), as they would overwrite it.
     */
    public synchronized List<Entry> load() throws IOException {
        entries.clear();
        unreadable = null;
        if (files == null) {
            return List.of();
        }
        Optional<Path> f = files.existing(FILE);
        if (f.isEmpty()) {
            return List.of();
        }
        State s;
        try {
            s = Json.mapper().readValue(f.get().toFile(), State.class);
            if (s == null) {
                throw new IOException("it is empty or null");
            }
        } catch (IOException e) {
            unreadable = f.get() + ": not a region journal cxld can read (" + e.getMessage().lines().findFirst()
                    .orElse("") + "); changes it may hold were not recovered, and region creates and destroys are"
                    + " refused until it is repaired or removed";
            return List.of();
        }
        if (s.version() != VERSION) {
            unreadable = f.get() + ": journal version " + s.version() + ", this cxld reads version " + VERSION
                    + "; region creates and destroys are refused until it is removed";
            return List.of();
        }
        entries.addAll(s.changes());
        return List.copyOf(entries);
    }

    /** Records {@code e} durably; a failure means the change must not start. */
    public synchronized void begin(Entry e) throws IOException {
        if (files == null) {
            return;
        }
        if (unreadable != null) {
            throw new IOException(unreadable);
        }
        List<Entry> before = List.copyOf(entries);
        entries.removeIf(x -> x.region().equals(e.region()));
        entries.add(e);
        try {
            save();
        } catch (IOException failure) {
            entries.clear();
            entries.addAll(before); // as on disk: an entry this one would have replaced included
            throw failure;
        }
    }

    /**
     * The change of {@code region} is done or undone; false when that could not be saved (it is
     * kept, and recovered at start).
     */
    public synchronized boolean end(String region) {
        if (files == null || !entries.removeIf(x -> x.region().equals(region))) {
            return true;
        }
        try {
            save();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Why the journal on disk could not be read at start; null when it could. */
    public synchronized String problem() {
        return unreadable;
    }

    /** The entries this cxld holds now. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    private void save() throws IOException {
        if (entries.isEmpty()) {
            files.remove(FILE);
        } else {
            files.replace(FILE, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(
                    new State(VERSION, entries)));
        }
    }
}
