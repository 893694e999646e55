package dev.cxld.daemon.events;

import dev.cxld.daemon.IoErrors;
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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's CXL trace events ({@code events/cxl/*}: poison, general media, DRAM, memory module,
 * AER, overflow, ...) read from a tracefs instance of cxld's own, {@code instances/cxld}, so
 * neither the global trace buffer nor another reader (rasdaemon, {@code cxl monitor}) is
 * disturbed. Each line of its {@code trace_pipe} becomes a {@code trace} event on the bus.
 */
public final class TraceEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TraceEvents.class);

    private final Path instance;
    private final Thread thread;
    private volatile String state;

    private TraceEvents(Path instance, EventBus bus) {
        this.instance = instance;
        this.state = "enabled (" + instance + ")";
        this.thread = new Thread(() -> read(bus), "cxld-trace");
        this.thread.setDaemon(true);
    }

    /** What is reported in status: "enabled (path)" or why trace events are not read. */
    public String state() {
        return state;
    }

    /**
     * Starts reading, or returns a TraceEvents that only explains why it cannot (no tracefs, no
     * cxl events in this kernel, no permission).
     */
    public static TraceEvents start(Path tracefs, EventBus bus) {
        Path instance = tracefs.resolve("instances/cxld");
        if (!Files.isDirectory(tracefs.resolve("instances"))) {
            return unavailable(instance, "no tracefs at " + tracefs);
        }
        try {
            try {
                Files.createDirectory(instance);
            } catch (FileAlreadyExistsException e) {
                LOG.info("reusing trace instance {} (left by an earlier cxld)", instance);
            }
            Path enable = instance.resolve("events/cxl/enable");
            if (!Files.exists(enable)) {
                return unavailable(instance, "this kernel has no cxl trace events");
            }
            Files.writeString(enable, "1\n");
        } catch (IOException e) {
            return unavailable(instance, "cannot set up " + instance + ": " + IoErrors.reason(e));
        }
        TraceEvents t = new TraceEvents(instance, bus);
        t.thread.start();
        return t;
    }

    private static TraceEvents unavailable(Path instance, String why) {
        TraceEvents t = new TraceEvents(instance, null);
        t.state = "disabled: " + why;
        return t;
    }

    private void read(EventBus bus) {
        // FileChannel reads are interruptible, so close() can end a read that waits for events.
        try (FileChannel ch = FileChannel.open(instance.resolve("trace_pipe"), StandardOpenOption.READ);
                BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                        StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String l = line;
                TraceLine.parse(l).ifPresentOrElse(e -> bus.publish(List.of(e)),
                        () -> LOG.debug("trace line not understood: {}", l));
            }
        } catch (java.nio.channels.ClosedByInterruptException e) {
            return;
        } catch (IOException e) {
            state = "disabled: reading " + instance.resolve("trace_pipe") + " failed: " + IoErrors.reason(e);
            LOG.warn("trace events stopped: {}", state);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (!thread.isAlive() && state.startsWith("disabled")) {
            return;
        }
        thread.interrupt();
        thread.join(2000);
        try {
            Files.writeString(instance.resolve("events/cxl/enable"), "0\n");
            Files.delete(instance);
        } catch (IOException e) {
            LOG.warn("could not remove trace instance {}: {}", instance, IoErrors.reason(e));
        }
    }
}
