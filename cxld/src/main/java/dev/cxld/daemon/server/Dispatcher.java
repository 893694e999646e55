package dev.cxld.daemon.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.control.MemdevControl;
import dev.cxld.daemon.control.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.list.ListWalk;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Event;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.MemdevDetails;
import dev.cxld.daemon.events.PoisonList;
import dev.cxld.daemon.handoff.Handoff;
import dev.cxld.daemon.handoff.Handoffs;
import dev.cxld.daemon.control.RegionControl;
import dev.cxld.daemon.mailbox.MemdevCommands;
import dev.cxld.protocol.ProjectVersion;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request line into a reply. Never throws: every failure is an error response.
 * Operations that change the system are checked against {@link Access} first.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Operations anyone may use. */
    static final List<String> READING = List.of(Request.HELLO, Request.LIST, Request.STATUS, Request.MONITOR,
            Request.MAILBOX_COMMANDS, Request.IDENTIFY, Request.HEALTH, Request.PARTITION, Request.FW_INFO,
            Request.ALERT_CONFIG, Request.LOGS, Request.TIMESTAMP, Request.SHUTDOWN_STATE, Request.LABELS_READ,
            Request.POISON);
    /** Operations that change the system: root or the admin group. */
    static final List<String> CHANGING = List.of(Request.ENABLE_MEMDEV, Request.DISABLE_MEMDEV,
            Request.LABELS_WRITE, Request.LABELS_ZERO, Request.ATTACH_REGION, Request.DETACH_REGION,
            Request.CREATE_REGION, Request.DESTROY_REGION, Request.ENABLE_REGION, Request.DISABLE_REGION);
    static final List<String> SOURCES = List.of(Event.TOPOLOGY, Event.TRACE, Event.HANDOFF);

    /** What the dispatcher works with. */
    public record Services(Snapshots snapshots, EventBus events, MemdevControl memdevs, Access access,
            Supplier<Status.Live> live, MemdevCommands mailbox, PoisonList poison, Handoffs handoffs,
            RegionControl regions) {}

    /** A reply: one line, or one line that starts an event stream on the connection. */
    public sealed interface Reply permits Line, Stream {
        String line();
    }

    public record Line(String line) implements Reply {}

    /** The connection now also carries {@code subscription}'s events, tagged with {@code id}. */
    public record Stream(String line, JsonNode id, EventBus.Subscription subscription) implements Reply {}

    private final Services services;
    private final Status.Daemon self;
    private final Clock clock;

    public Dispatcher(Services services, Status.Daemon self, Clock clock) {
        this.services = services;
        this.self = self;
        this.clock = clock;
    }

    public Reply handle(String line, Peer peer) {
        Request req;
        try {
            req = Json.mapper().readValue(line, Request.class);
        } catch (JsonProcessingException e) {
            return encode(Response.failure(null, ErrorCode.INVALID_ARGUMENT,
                    "request is not a JSON object with id, op and args: " + e.getOriginalMessage()));
        }
        try {
            return dispatch(req, peer);
        } catch (Refusal r) {
            LOG.info("{} from {} refused: {}", req.op(), peer.describe(), r.getMessage());
            return encode(Response.failure(req.id(), r.error()));
        } catch (RuntimeException e) {
            LOG.error("request failed: {}", line, e);
            return encode(Response.failure(req.id(), ErrorCode.INTERNAL, "internal error: " + e));
        }
    }

    private Reply dispatch(Request req, Peer peer) {
        if (req.op() == null) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "request has no \"op\"");
        }
        if (CHANGING.contains(req.op()) && !services.access().mayChange(peer)) {
            throw new Refusal(ErrorCode.PERMISSION_DENIED, services.access().denial(peer, req.op()));
        }
        LOG.debug("request {} {} from {}", req.id(), req.op(), peer.describe());
        Args args = new Args(req);
        switch (req.op()) {
            case Request.HELLO:
                ObjectNode hello = Json.mapper().createObjectNode();
                hello.put("daemon", "cxld");
                hello.put("version", ProjectVersion.get());
                hello.put("protocol", Response.PROTOCOL_VERSION);
                hello.put("may_change", services.access().mayChange(peer));
                return ok(req, hello);
            case Request.LIST:
                return ok(req, list(req));
            case Request.STATUS:
                Snapshots.Taken t = services.snapshots().fresh();
                return ok(req, Status.of(self, t.topology(), t.at(), clock.instant(), services.live().get()));
            case Request.MONITOR:
                return monitor(req, args);
            case Request.ENABLE_MEMDEV:
                return ok(req, services.memdevs().enable(args.text("memdev")));
            case Request.DISABLE_MEMDEV:
                return ok(req, services.memdevs().disable(args.text("memdev"), args.flag("force")));
            case Request.MAILBOX_COMMANDS:
                return ok(req, services.mailbox().commands(args.text("memdev")));
            case Request.IDENTIFY:
                return ok(req, services.mailbox().identify(args.text("memdev")));
            case Request.HEALTH:
                return ok(req, services.mailbox().health(args.text("memdev")));
            case Request.PARTITION:
                return ok(req, services.mailbox().partition(args.text("memdev")));
            case Request.FW_INFO:
                return ok(req, services.mailbox().firmware(args.text("memdev")));
            case Request.ALERT_CONFIG:
                return ok(req, services.mailbox().alertConfig(args.text("memdev")));
            case Request.LOGS:
                return ok(req, services.mailbox().logs(args.text("memdev")));
            case Request.TIMESTAMP:
                return ok(req, services.mailbox().timestamp(args.text("memdev")));
            case Request.SHUTDOWN_STATE:
                return ok(req, services.mailbox().shutdownState(args.text("memdev")));
            case Request.ATTACH_REGION: {
                String owner = args.has("owner") ? args.text("owner") : null;
                Handoff.Holder holder = new Handoff.Holder(peer.uid(), peer.user(), peer.pid() > 0 ? peer.pid() : null,
                        peer.comm(), owner);
                String memdev = args.text("memdev");
                if (args.flag("create")) {
                    createIfNone(memdev);
                }
                return ok(req, Json.mapper().valueToTree(services.handoffs().attach(memdev, holder)));
            }
            case Request.CREATE_REGION:
                return ok(req, services.regions().create(new RegionControl.CreateRequest(
                        args.has("root") ? args.text("root") : null, args.text("type"),
                        args.has("ways") ? (int) args.number("ways", 0) : null,
                        args.has("granularity") ? (int) args.number("granularity", 0) : null,
                        args.has("size") ? args.number("size", 0) : null, args.texts("memdevs", List.of()))));
            case Request.DESTROY_REGION:
                return ok(req, services.regions().destroy(args.text("region"), args.flag("force")));
            case Request.ENABLE_REGION:
                return ok(req, services.regions().enable(args.text("region")));
            case Request.DISABLE_REGION:
                return ok(req, services.regions().disable(args.text("region")));
            case Request.DETACH_REGION:
                return ok(req, Json.mapper().valueToTree(services.handoffs().detach(args.text("target"))));
            case Request.POISON:
                return ok(req, services.poison().list(args.text("memdev")));
            case Request.LABELS_READ: {
                String m = args.text("memdev");
                long offset = args.number("offset", 0);
                Long length = args.has("length") ? args.number("length", 0) : null;
                byte[] data = services.mailbox().readLabels(m, offset, length, lsaSize(m));
                ObjectNode o = Json.mapper().createObjectNode().put("memdev", m).put("offset", offset)
                        .put("length", data.length);
                o.put("data", java.util.Base64.getEncoder().encodeToString(data));
                return ok(req, o);
            }
            case Request.LABELS_WRITE: {
                String m = args.text("memdev");
                byte[] data;
                try {
                    data = java.util.Base64.getDecoder().decode(args.text("data"));
                } catch (IllegalArgumentException e) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, "labels-write: \"data\" is not base64: " + e.getMessage());
                }
                return ok(req, services.mailbox().writeLabels(m, args.number("offset", 0), data, lsaSize(m)));
            }
            case Request.LABELS_ZERO: {
                String m = args.text("memdev");
                long offset = args.number("offset", 0);
                long size = lsaSize(m);
                long length = args.has("length") ? args.number("length", 0) : Math.max(0, size - offset);
                if (length > Integer.MAX_VALUE) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, "labels-zero: length " + length + " is too large");
                }
                return ok(req, services.mailbox().writeLabels(m, offset, new byte[(int) length], size));
            }
            default:
                throw new Refusal(ErrorCode.UNKNOWN_OPERATION, "unknown operation \"" + req.op()
                        + "\"; this cxld knows: " + String.join(", ", READING) + ", " + String.join(", ", CHANGING));
        }
    }

    private JsonNode list(Request req) {
        ListParams params = listParams(req);
        MemdevDetails details;
        try {
            JsonNode a = req.args() == null || req.args().isNull() ? Json.mapper().createObjectNode() : req.args();
            details = Json.mapper().treeToValue(a, MemdevDetails.class).withVerbosity(params.verbose());
        } catch (JsonProcessingException e) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "list: bad arguments: " + e.getOriginalMessage());
        }
        JsonNode out = ListWalk.list(services.snapshots().fresh().topology(), params);
        if (details.any()) {
            dev.cxld.daemon.list.MailboxKeys.add(out, m -> {
                try {
                    return services.mailbox().listDetails(m, details.partition(), details.health(), details.firmware(),
                            details.alertConfig());
                } catch (Refusal r) {
                    // a memdev whose mailbox cannot be reached lists without the details, as in ndctl
                    LOG.info("list: no mailbox details for {}: {}", m, r.getMessage());
                    return Json.mapper().createObjectNode();
                }
            }, params.human());
        }
        return out;
    }

    /**
     * attach-region --create: a memdev without any region gets a single-target region of all its
     * free capacity (ram when it has a volatile partition, else pmem) on the first root decoder
     * that can map it. A memdev that has a region keeps it; the policy then decides as always.
     */
    private void createIfNone(String memdev) {
        var t = services.snapshots().fresh().topology();
        var d = dev.cxld.daemon.policy.AttachPolicy.decide(t, memdev, java.util.Set.of());
        if (d instanceof dev.cxld.daemon.policy.AttachPolicy.Refused r
                && r.rule() == dev.cxld.daemon.policy.AttachPolicy.Rule.NO_REGION) {
            var m = t.memdev(memdev).orElseThrow();
            String type = m.ramSize() != null && m.ramSize() > 0 ? "ram" : "pmem";
            services.regions().create(new RegionControl.CreateRequest(null, type, 1, null, null, List.of(memdev)));
        }
    }

    private long lsaSize(String memdev) {
        Long size = MemdevControl.find(services.snapshots().fresh().topology(), memdev).labelStorageSize();
        return size == null ? 0L : size;
    }

    private Reply monitor(Request req, Args args) {
        Set<String> sources = new LinkedHashSet<>(args.texts("sources", SOURCES));
        for (String s : sources) {
            if (!SOURCES.contains(s)) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "monitor: unknown source \"" + s + "\"; sources are "
                        + String.join(", ", SOURCES));
            }
        }
        sources.add(Event.DAEMON);
        EventBus.Subscription sub = services.events().subscribe(sources);
        ObjectNode result = Json.mapper().createObjectNode();
        ArrayNode a = result.putArray("sources");
        sources.forEach(a::add);
        return new Stream(encode(Response.success(req.id(), result)).line(), req.id(), sub);
    }

    private static ListParams listParams(Request req) {
        try {
            JsonNode args = req.args() == null || req.args().isNull() ? Json.mapper().createObjectNode() : req.args();
            ListParams params = Json.mapper().treeToValue(args, ListParams.class);
            params.resolve();
            return params;
        } catch (JsonProcessingException e) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "list: bad arguments: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "list: " + e.getMessage());
        }
    }

    private static Reply ok(Request req, JsonNode result) {
        return encode(Response.success(req.id(), result));
    }

    static Line encode(Object o) {
        try {
            return new Line(Json.mapper().writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + o.getClass().getSimpleName(), e);
        }
    }

    /** An event line of a monitor stream: {"id":..., "event":{...}}. */
    static String eventLine(JsonNode id, Event e) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.set("id", id);
        o.set("event", Json.mapper().valueToTree(e));
        return o.toString();
    }
}
