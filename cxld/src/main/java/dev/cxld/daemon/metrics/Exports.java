package dev.cxld.daemon.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.errors.IoErrors;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files orchestration reads, each rewritten atomically (a temporary file in the same
 * directory, then rename) so a reader never sees half of one:
 * <ul>
 *   <li>the node-exporter textfile collector's {@code *.prom} file: {@link Metrics#text()};</li>
 *   <li>a Kubernetes Node Feature Discovery feature file ({@code features.d/}): one
 *       {@code name=value} line per label, rewritten only when a value changed.</li>
 * </ul>
 */
public final class Exports {
    private static final Logger LOG = LoggerFactory.getLogger(Exports.class);

    private final Path textfile;
    private final Path features;
    private final Metrics metrics;
    private final Snapshots snapshots;
    private final Supplier<JsonNode> handoffs;
    private final Supplier<JsonNode> accelerators;
    private String lastFeatures;
    private String lastProblem;

    /** @param textfile the .prom file, or null; @param features the NFD feature file, or null */
    public Exports(Path textfile, Path features, Metrics metrics, Snapshots snapshots, Supplier<JsonNode> handoffs,
            Supplier<JsonNode> accelerators) {
        this.textfile = textfile;
        this.features = features;
        this.metrics = metrics;
        this.snapshots = snapshots;
        this.handoffs = handoffs;
        this.accelerators = accelerators;
    }

    /** Rewrites what is configured; a failure is logged once until it changes, and tried again next time. */
    public synchronized void write() {
        try {
            if (textfile != null) {
                atomically(textfile, metrics.text());
            }
            if (features != null) {
                String f = features();
                if (!f.equals(lastFeatures)) {
                    atomically(features, f);
                    lastFeatures = f;
                    LOG.info("node features in {}: {}", features, f.strip().replace('\n', ' '));
                }
            }
            lastProblem = null;
        } catch (IOException e) {
            String problem = IoErrors.describe(e);
            if (!problem.equals(lastProblem)) {
                LOG.warn("cannot write the metrics or node features: {}", problem);
                lastProblem = problem;
            }
        }
    }

    /**
     * The Node Feature Discovery labels (feature.node.kubernetes.io/ is prefixed by NFD): whether the
     * node has CXL memory, how many memdevs and how much capacity, and the accelerator memory that is
     * free to hand off or handed off.
     */
    String features() {
        Topology t = snapshots.current().topology();
        Map<String, String> f = new LinkedHashMap<>();
        long enabled = t.memdevs().stream().filter(Memdev::enabled).count();
        long ram = Capacity.of(t, "ram").total();
        long pmem = Capacity.of(t, "pmem").total();
        f.put("cxl.present", Boolean.toString(!t.memdevs().isEmpty()));
        f.put("cxl.memdevs", Long.toString(t.memdevs().size()));
        f.put("cxl.memdevs-enabled", Long.toString(enabled));
        f.put("cxl.ram-gib", Long.toString(ram >> 30));
        f.put("cxl.pmem-gib", Long.toString(pmem >> 30));
        f.put("cxl.regions", Long.toString(t.regions().size()));
        int attached = 0;
        int waiting = 0;
        for (JsonNode a : accelerators.get()) {
            for (JsonNode m : a.path("memdevs")) {
                String s = m.path("state").asText();
                if (s.equals("attached")) {
                    attached++;
                } else if (s.equals("waiting") || s.equals("released")) {
                    waiting++;
                }
            }
        }
        f.put("cxl.accelerator-regions-attached", Integer.toString(attached));
        f.put("cxl.accelerator-memdevs-waiting", Integer.toString(waiting));
        f.put("cxl.handoffs-active", Integer.toString(handoffs.get().path("active").size()));
        StringBuilder b = new StringBuilder("# written by cxld: CXL facts of this node (see cxld(8))\n");
        f.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    private static void atomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
