package dev.cxld.daemon.events;

import dev.cxld.daemon.errors.IoErrors;
import dev.cxld.daemon.sysfs.TracefsInstance;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's CXL trace events ({@code events/cxl/*}: poison, general media, DRAM, memory module,
 * AER, overflow, ...) read from cxld's own tracefs instance ({@link TracefsInstance}). Each line of
 * its {@code trace_pipe} becomes a {@code trace} event on the bus.
 */
public final class TraceEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TraceEvents.class);

    private final TracefsInstance instance;
    private final Thread thread;
    private volatile String state;

    private TraceEvents(TracefsInstance instance, EventBus bus, String state) {
        this.instance = instance;
        this.state = state;
        this.thread = new Thread(() -> read(bus), "cxld-trace");
        this.thread.setDaemon(true);
    }

    /** What is reported in status: "enabled (path)" or why trace events are not read. */
    public String state() {
        return state;
    }

    /** Whether events are being read now. */
    public boolean running() {
        return state.startsWith("enabled");
    }

    /**
     * Starts reading, or returns a TraceEvents that only explains why it cannot (no tracefs, no
     * cxl events in this kernel, no permission).
     */
    public static TraceEvents start(Path tracefs, EventBus bus) {
        TracefsInstance instance;
        try {
            instance = TracefsInstance.open(tracefs);
        } catch (IOException e) {
            return new TraceEvents(null, null, "disabled: " + e.getMessage());
        }
        TraceEvents t = new TraceEvents(instance, bus, "enabled (" + instance.path() + ")");
        t.thread.start();
        return t;
    }

    private void read(EventBus bus) {
        try (BufferedReader r = instance.pipe()) {
            String line;
            while ((line = r.readLine()) != null) {
                String l = line;
                TraceLine.parse(l).ifPresentOrElse(e -> bus.publish(List.of(e)),
                        () -> LOG.debug("trace line not understood: {}", l));
            }
        } catch (java.nio.channels.ClosedByInterruptException e) {
            return;
        } catch (IOException e) {
            state = "disabled: reading " + instance.path().resolve("trace_pipe") + " failed: " + IoErrors.reason(e);
            LOG.warn("trace events stopped: {}", state);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (instance == null) {
            return;
        }
        thread.interrupt();
        thread.join(2000);
        instance.remove();
    }
}
