package dev.cxld.daemon.handoff;

import dev.cxld.daemon.errors.IoErrors;
import dev.cxld.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live handoffs published as files for runtimes that read files rather than a socket:
 * {@code RUN_DIR/handoffs/<memdev>.json} holds the handoff of that memdev as {@code attach-region}
 * answers it, for exactly as long as it lasts. Each file is replaced atomically (written beside,
 * renamed over), readable by all (0644: it says what {@code status} says), and removed when the
 * handoff ends; files of handoffs that ended while no cxld ran are removed at start.
 */
public final class HandoffFiles {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffFiles.class);
    private static final String SUFFIX = ".json";

    private final Path dir;
    /** What each file holds now, as this cxld wrote it. */
    private final Map<String, byte[]> written = new HashMap<>();
    private String lastFailure;

    public HandoffFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String memdev) {
        return dir.resolve(memdev + SUFFIX);
    }

    /** Makes the directory hold one file per handoff of {@code active}, and nothing else of cxld's. */
    public synchronized void sync(List<Handoff> active) {
        try {
            Files.createDirectories(dir);
            Map<String, byte[]> want = new HashMap<>();
            for (Handoff h : active) {
                if (h.memdev().matches("mem[0-9]+")) {
                    want.put(h.memdev(), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(h));
                }
            }
            for (Map.Entry<String, byte[]> e : want.entrySet()) {
                if (!Arrays.equals(written.get(e.getKey()), e.getValue())) {
                    write(e.getKey(), e.getValue());
                }
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : (Iterable<Path>) s::iterator) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(SUFFIX) && !want.containsKey(name.substring(0, name.length() - SUFFIX.length()))) {
                        Files.deleteIfExists(f);
                    }
                }
            }
            written.keySet().retainAll(want.keySet());
            lastFailure = null;
        } catch (IOException e) {
            String why = "cannot publish the handoffs in " + dir + ": " + IoErrors.describe(e);
            if (!why.equals(lastFailure)) {
                LOG.error("{}; status and the socket still say what is handed off", why);
            }
            lastFailure = why;
        }
    }

    private void write(String memdev, byte[] json) throws IOException {
        Path tmp = dir.resolve("." + memdev + SUFFIX + ".tmp");
        byte[] bytes = Arrays.copyOf(json, json.length + 1);
        bytes[json.length] = '\n';
        Files.write(tmp, bytes);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, file(memdev), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        written.put(memdev, json);
    }
}
