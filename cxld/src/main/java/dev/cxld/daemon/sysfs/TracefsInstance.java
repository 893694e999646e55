package dev.cxld.daemon.sysfs;

import dev.cxld.daemon.errors.IoErrors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tracefs instance of cxld's own ({@code <tracefs>/instances/cxld}) with the kernel's CXL trace
 * events ({@code events/cxl/*}) enabled in it, so neither the global trace buffer nor another
 * reader (rasdaemon, {@code cxl monitor}) is disturbed. The tracefs root is injected
 * ({@code /sys/kernel/tracing} on a host).
 */
public final class TracefsInstance {
    private static final Logger LOG = LoggerFactory.getLogger(TracefsInstance.class);

    private final Path instance;

    private TracefsInstance(Path instance) {
        this.instance = instance;
    }

    /** Where the instance is. */
    public Path path() {
        return instance;
    }

    /** Creates (or reuses) the instance and enables the CXL events in it; IOException says why not. */
    public static TracefsInstance open(Path tracefs) throws IOException {
        Path instance = tracefs.resolve("instances/cxld");
        if (!Files.isDirectory(tracefs.resolve("instances"))) {
            throw new IOException("no tracefs at " + tracefs);
        }
        try {
            Files.createDirectory(instance);
        } catch (FileAlreadyExistsException e) {
            LOG.info("reusing trace instance {} (left by an earlier cxld)", instance);
        } catch (IOException e) {
            throw new IOException("cannot set up " + instance + ": " + IoErrors.reason(e), e);
        }
        Path enable = instance.resolve("events/cxl/enable");
        if (!Files.exists(enable)) {
            throw new IOException("this kernel has no cxl trace events");
        }
        try {
            Files.writeString(enable, "1\n");
        } catch (IOException e) {
            throw new IOException("cannot set up " + instance + ": " + IoErrors.reason(e), e);
        }
        return new TracefsInstance(instance);
    }

    /**
     * The instance's {@code trace_pipe}, line by line. Reads through a FileChannel, so
     * interrupting the reading thread ends a read that waits for events
     * ({@link java.nio.channels.ClosedByInterruptException}).
     */
    public BufferedReader pipe() throws IOException {
        FileChannel ch = FileChannel.open(instance.resolve("trace_pipe"), StandardOpenOption.READ);
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
    }

    /** Writes {@code text} to the instance's {@code trace_marker}: it comes out of trace_pipe after every event before it. */
    public void mark(String text) throws IOException {
        Files.writeString(instance.resolve("trace_marker"), text);
    }

    /**
     * For each CXL event of this kernel, the fields its print format writes as bare hexadecimal
     * ({@code dpa=%llx}, {@code handle=%x}: no {@code 0x}, so "8000" is 0x8000), read from
     * {@code events/cxl/<event>/format}; an event whose format cannot be read has none.
     */
    public java.util.Map<String, java.util.Set<String>> hexFields() {
        java.util.Map<String, java.util.Set<String>> out = new java.util.HashMap<>();
        try (java.util.stream.Stream<Path> events = Files.list(instance.resolve("events/cxl"))) {
            for (Path e : (Iterable<Path>) events::iterator) {
                Path format = e.resolve("format");
                if (Files.isReadable(format)) {
                    try {
                        out.put(e.getFileName().toString(), hexFields(Files.readString(format)));
                    } catch (IOException ex) {
                        LOG.debug("{}: {}", format, IoErrors.reason(ex));
                    }
                }
            }
        } catch (IOException ex) {
            LOG.info("cannot read the CXL event formats under {}: {}", instance, IoErrors.reason(ex));
        }
        return out;
    }

    private static final java.util.regex.Pattern BARE_HEX =
            java.util.regex.Pattern.compile("(?<![\\w])(\\w+)=%[-0 +]*\\d*(?:hh|h|ll|l|z)?x");

    /** {@link #hexFields(String)} of a format file. */
    public static java.util.Set<String> hexFields(Path format) throws IOException {
        return hexFields(Files.readString(format));
    }

    /** The labels a tracepoint's {@code print fmt:} writes with a bare %x conversion (not {@code 0x%x}, not {@code %#x}). */
    public static java.util.Set<String> hexFields(String format) {
        int at = format.indexOf("print fmt: \"");
        if (at < 0) {
            return java.util.Set.of();
        }
        int end = format.indexOf('"', at + 12);
        String fmt = format.substring(at + 12, end < 0 ? format.length() : end);
        java.util.Set<String> hex = new java.util.HashSet<>();
        java.util.regex.Matcher m = BARE_HEX.matcher(fmt);
        while (m.find()) {
            hex.add(m.group(1));
        }
        return java.util.Set.copyOf(hex);
    }

    /** Disables the events and removes the instance; a failure is logged, not thrown. */
    public void remove() {
        try {
            Files.writeString(instance.resolve("events/cxl/enable"), "0\n");
            Files.delete(instance);
        } catch (IOException e) {
            LOG.warn("could not remove trace instance {}: {}", instance, IoErrors.reason(e));
        }
    }
}
