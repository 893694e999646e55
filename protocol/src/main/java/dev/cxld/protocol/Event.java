package dev.cxld.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of the {@code monitor} stream.
 *
 * @param seq the daemon's event number, consecutive per daemon run (a gap means events were dropped)
 * @param time when the daemon saw the change (RFC 3339, UTC)
 * @param source {@code topology} (sysfs objects), {@code trace} (a kernel CXL trace event),
 *     {@code handoff} (accelerator handoffs: {@code handoff-attached}, {@code handoff-released},
 *     {@code handoff-revoked} with a {@code reason}, {@code handoff-degraded} for a memdev of a
 *     configured accelerator that cannot be handed off), or {@code daemon} (the stream itself, e.g. {@code overflow})
 * @param event for topology: {@code added}, {@code removed}, {@code changed}, {@code enabled},
 *     {@code disabled}, {@code region-committed}, {@code region-reset}; for trace: the tracepoint
 *     ({@code cxl_poison}, {@code cxl_general_media}, ...); for daemon: {@code overflow}
 * @param kind the object kind: {@code port}, {@code endpoint}, {@code bus}, {@code decoder},
 *     {@code memdev}, {@code region}; absent for trace and daemon events
 * @param name the object's kernel name ({@code region0}); for trace events the memdev, when known
 * @param data details: {@code changed} (the keys that changed), a region's {@code resource} and
 *     {@code size}, a trace event's fields, an overflow's {@code dropped} count
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(long seq, String time, String source, String event, String kind, String name, JsonNode data) {
    public static final String TOPOLOGY = "topology";
    public static final String TRACE = "trace";
    public static final String DAEMON = "daemon";
    public static final String HANDOFF = "handoff";

    /** The same event numbered and stamped by the daemon. */
    public Event stamped(long seq, String time) {
        return new Event(seq, time, source, event, kind, name, data);
    }
}
