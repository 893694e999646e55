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

    private final SysfsAttributes sysfs;
    private final EventBus bus;
    private final Supplier<Boolean> traceRunning;

    public PoisonList(SysfsAttributes sysfs, EventBus bus, Supplier<Boolean> traceRunning) {
        this.sysfs = sysfs;
        this.bus = bus;
        this.traceRunning = traceRunning;
    }

    public ObjectNode list(String memdev) {
        if (!traceRunning.get()) {
            throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": the poison list arrives as trace events, and cxld"
                    + " is not reading them (see trace_events in status)");
        }
        Path trigger = sysfs.device(memdev, "trigger_poison_list");
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("memdev", memdev);
        ArrayNode errors = o.putArray("media_errors");
        synchronized (this) {
            try (EventBus.Subscription sub = bus.subscribe(Set.of(Event.TRACE))) {
                sysfs.write(trigger, "1", memdev + ": trigger the poison list");
                long wait = FIRST_MS;
                Event e;
                while ((e = sub.next(wait)) != null) {
                    JsonNode f = e.data() == null ? null : e.data().get("fields");
                    if ("cxl_poison".equals(e.event()) && memdev.equals(e.name()) && f != null
                            && "List".equals(f.path("trace_type").asText())) {
                        ObjectNode r = errors.addObject();
                        r.put("offset", Numbers.unsigned(f.path("dpa").asText("0")));
                        r.put("length", Numbers.unsigned(f.path("dpa_length").asText("0")));
                        r.put("source", f.path("source").asText());
                        if (!f.path("flags").asText().isEmpty()) {
                            r.put("flags", f.path("flags").asText());
                        }
                        wait = QUIET_MS;
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        return o;
    }
}
