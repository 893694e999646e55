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

    private static final String BARRIER = "cxld-barrier-";

    private final Path tracefs;
    private final EventBus bus;
    private volatile TracefsInstance instance;
    private Thread thread;
    private volatile String state;
    private final java.util.concurrent.atomic.AtomicLong barriers = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Map<String, java.util.concurrent.CountDownLatch> pending =
            new java.util.concurrent.ConcurrentHashMap<>();

    private TraceEvents(Path tracefs, EventBus bus) {
        this.tracefs = tracefs;
        this.bus = bus;
    }

    /** What is reported in status: "enabled (path)" or why trace events are not read. */
    public String state() {
        return state;
    }

    /** Whether events are being read now. */
    public boolean running() {
        String st = state;
        return st != null && st.startsWith("enabled");
    }

    /**
     * Returns once every event the kernel emitted before this call has been published on the bus:
     * a marker is written to the instance's trace_marker and awaited in trace_pipe (events come out
     * in the order they were recorded). False when that did not happen within {@code timeoutMs}.
     */
    public boolean barrier(long timeoutMs) {
        if (!running()) {
            return false;
        }
        String token = BARRIER + barriers.incrementAndGet();
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
        pending.put(token, seen);
        try {
            instance.mark(token);
            return seen.await(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            LOG.debug("trace barrier: {}", IoErrors.reason(e));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            pending.remove(token);
        }
    }

    /**
     * Starts reading, or returns a TraceEvents that says why it cannot yet (no tracefs, no cxl
     * events in this kernel, no permission). The CXL core may be a module loaded later (cxl_test's
     * kernel; a host that loads cxl_core on demand): {@link #retry} then starts it.
     */
    public static TraceEvents start(Path tracefs, EventBus bus) {
        TraceEvents t = new TraceEvents(tracefs, bus);
        t.retry();
        return t;
    }

    /** Starts reading if it is not yet; cheap when it is. Returns whether it reads now. */
    public synchronized boolean retry() {
        if (running()) {
            return true;
        }
        TracefsInstance opened;
        try {
            opened = TracefsInstance.open(tracefs);
        } catch (IOException e) {
            String why = "disabled: " + e.getMessage();
            if (!why.equals(state)) {
                LOG.info("trace events: {}", why);
            }
            state = why;
            return false;
        }
        instance = opened;
        state = "enabled (" + opened.path() + ")";
        thread = new Thread(() -> read(bus), "cxld-trace");
        thread.setDaemon(true);
        thread.start();
        LOG.info("trace events: {}", state);
        return true;
    }

    private void read(EventBus bus) {
        java.util.Map<String, java.util.Set<String>> hex = instance.hexFields();
        try (BufferedReader r = instance.pipe()) {
            String line;
            while ((line = r.readLine()) != null) {
                String l = line;
                int b = l.indexOf(BARRIER);
                if (b >= 0) {
                    java.util.concurrent.CountDownLatch seen = pending.get(l.substring(b).strip());
                    if (seen != null) {
                        seen.countDown();
                    }
                    continue;
                }
                TraceLine.parse(l, hex).ifPresentOrElse(e -> bus.publish(List.of(e)),
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
    public synchronized void close() throws InterruptedException {
        if (instance == null) {
            return;
        }
        thread.interrupt();
        thread.join(2000);
        instance.remove();
    }
}
