package dev.cxld.daemon.events;

import dev.cxld.protocol.Numbers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A memdev's poison list the way the kernel supports it (Get Poison List has no ioctl id): write
 * {@code trigger_poison_list}, and collect the {@code cxl_poison} trace events of type List that
 * the kernel emits for it, as ndctl's {@code cxl list -L} does.
 */
public final class PoisonList {
    private static final long FIRST_MS = 1000;
    private static final long QUIET_MS = 300;
    private static final long BARRIER_MS = 3000;

    /** Waits until the trace events emitted so far are on the bus; false if it could not tell. */
    public interface Barrier {
        boolean await(long timeoutMs);
    }

    /** One record of a poison list, as the cxl_poison trace event gives it. */
    public record Poison(long dpa, long length, String source, String flags, String region, Long hpa) {}

    private final SysfsAttributes sysfs;
    private final EventBus bus;
    private final Supplier<Boolean> traceRunning;
    private final Barrier barrier;

    public PoisonList(SysfsAttributes sysfs, EventBus bus, Supplier<Boolean> traceRunning) {
        this(sysfs, bus, traceRunning, null);
    }

    /**
     * With {@code barrier}, a list is complete as soon as the barrier passes (the kernel emits the
     * events before its write of trigger_poison_list returns); without, once no event came for a while.
     */
    public PoisonList(SysfsAttributes sysfs, EventBus bus, Supplier<Boolean> traceRunning, Barrier barrier) {
        this.sysfs = sysfs;
        this.bus = bus;
        this.traceRunning = traceRunning;
        this.barrier = barrier;
    }

    public ObjectNode list(String memdev) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("memdev", memdev);
        ArrayNode errors = o.putArray("media_errors");
        for (Poison p : records(memdev)) {
            ObjectNode r = errors.addObject();
            r.put("offset", p.dpa());
            r.put("length", p.length());
            r.put("source", p.source());
            if (p.flags() != null) {
                r.put("flags", p.flags());
            }
        }
        return o;
    }

    /** The poison list of {@code memdev}, read through trigger_poison_list and its trace events. */
    public List<Poison> records(String memdev) {
        if (!traceRunning.get()) {
            throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": the poison list arrives as trace events, and cxld"
                    + " is not reading them (see trace_events in status)");
        }
        Path trigger = sysfs.device(memdev, "trigger_poison_list");
        List<Poison> out = new ArrayList<>();
        synchronized (this) {
            try (EventBus.Subscription sub = bus.subscribe(Set.of(Event.TRACE))) {
                sysfs.write(trigger, "1", memdev + ": trigger the poison list");
                boolean complete = barrier != null && barrier.await(BARRIER_MS);
                long wait = complete ? 0 : FIRST_MS;
                Event e;
                while ((e = sub.next(wait)) != null) {
                    JsonNode f = e.data() == null ? null : e.data().get("fields");
                    if ("cxl_poison".equals(e.event()) && memdev.equals(e.name()) && f != null
                            && "List".equals(f.path("trace_type").asText())) {
                        String flags = f.path("flags").asText();
                        String region = f.path("region").asText();
                        String hpa = f.path("hpa").asText();
                        out.add(new Poison(Numbers.unsigned(f.path("dpa").asText("0")),
                                Numbers.unsigned(f.path("dpa_length").asText("0")), f.path("source").asText(),
                                flags.isEmpty() ? null : flags, region.isEmpty() ? null : region,
                                hpa.isEmpty() || region.isEmpty() ? null : Numbers.unsigned(hpa)));
                        wait = complete ? 0 : QUIET_MS;
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        return out;
    }
}
