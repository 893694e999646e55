package dev.cxld.daemon.testing;

import dev.cxld.daemon.sysfs.capture.CaptureTree;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The sysfs trees captured from QEMU guests by {@code test/vm/capture-fixtures}, kept under
 * {@code src/test/resources/sysfs/<topology>-<state>} without symlinks, and turned back into real
 * trees for a test. A large tree (the 32-memdev switch32) is kept packed as
 * {@code <topology>-<state>.tar.gz} of the same layout and unpacked (with {@code tar}) on install.
 */
public final class SysfsFixtures {
    private SysfsFixtures() {}

    private static final String PACKED = ".tar.gz";

    /** Names of all captured fixtures, e.g. {@code ram3-committed}. */
    public static List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(resource("sysfs"))) {
            return s.map(p -> p.getFileName().toString())
                    .map(n -> n.endsWith(PACKED) ? n.substring(0, n.length() - PACKED.length()) : n)
                    .sorted().collect(Collectors.toList());
        }
    }

    /** Materializes fixture {@code name} under {@code dir}/name and returns that sysfs root. */
    public static Path install(String name, Path dir) throws IOException {
        Path dest = dir.resolve(name);
        CaptureTree.materialize(captured(name, dir), dest);
        return dest;
    }

    /** The captured tree of {@code name}: its resource directory, or its archive unpacked under {@code dir}. */
    public static Path captured(String name, Path dir) throws IOException {
        URL packed = SysfsFixtures.class.getClassLoader().getResource("sysfs/" + name + PACKED);
        if (packed == null) {
            return resource("sysfs/" + name);
        }
        Path into = Files.createTempDirectory(dir, name + "-packed");
        Process tar = new ProcessBuilder("tar", "-xzf", resource("sysfs/" + name + PACKED).toString(), "-C",
                into.toString()).redirectErrorStream(true).start();
        String said = new String(tar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (tar.waitFor() != 0) {
                throw new IOException("tar could not unpack " + name + PACKED + ": " + said);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted unpacking " + name + PACKED, e);
        }
        return into.resolve(name);
    }

    /**
     * Materializes fixture {@code name} under {@code dir}/name with a {@code kernel/uevent_seqnum}
     * of {@code seqnum}, so a {@code Snapshots} follows it as a kernel's live sysfs (uevents fed by
     * the test); returns that sysfs root.
     */
    public static Path installLive(String name, Path dir, long seqnum) throws IOException {
        Path sys = install(name, dir);
        Files.createDirectories(sys.resolve("kernel"));
        Files.writeString(sys.resolve("kernel/uevent_seqnum"), seqnum + "\n");
        return sys;
    }

    /**
     * Changes an installed tree as the kernel would on binding {@code dax} (of {@code region}) to
     * dax driver {@code driver}: the device's {@code driver} link points at the driver.
     */
    public static void bindDax(Path sys, String region, String dax, String driver) throws IOException {
        Path dev = sys.resolve("bus/cxl/devices/" + region).toRealPath()
                .resolve("dax_region" + region.substring("region".length())).resolve(dax);
        Path drv = Files.createDirectories(sys.resolve("bus/dax/drivers/" + driver));
        Files.deleteIfExists(dev.resolve("driver"));
        Files.createSymbolicLink(dev.resolve("driver"), dev.relativize(drv));
    }

    /** What ndctl's `cxl list` printed in the same guest state, e.g. {@code cxl-list-vv.json}. */
    public static Path ndctlOutput(String name, String file) throws IOException {
        return resource("ndctl/" + name).resolve(file);
    }

    /** Every JSON object in ndctl's output, depth first: buses, ports, decoders, mappings, ... */
    public static List<JsonNode> allObjects(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isObject()) {
            out.add(node);
        }
        node.elements().forEachRemaining(c -> collect(c, out));
    }

    static Path resource(String path) throws IOException {
        URL url = SysfsFixtures.class.getClassLoader().getResource(path);
        if (url == null) {
            throw new IOException("test resource " + path + " is missing (run test/vm/capture-fixtures)");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
