package dev.cxld.daemon.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.control.MemdevControl;
import dev.cxld.daemon.control.DpaControl;
import dev.cxld.daemon.control.FirmwareUpdate;
import dev.cxld.daemon.control.PoisonControl;
import dev.cxld.daemon.control.PortControl;
import dev.cxld.daemon.control.RegionControl;
import dev.cxld.daemon.control.SanitizeWait;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.events.PoisonList;
import dev.cxld.daemon.handoff.Handoffs;
import dev.cxld.daemon.list.Listing;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.mailbox.MemdevCommands;
import dev.cxld.daemon.nativeio.PassedFile;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Event;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request line into a reply, by the {@link Operations} table: parse, look the operation
 * up, refuse what is not declared reading to peers who may not change things, run its handler.
 * Never throws: every failure is an error response.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** What the handlers work with. */
    public record Services(Snapshots snapshots, EventBus events, MemdevControl memdevs, Access access,
            Supplier<Status.Live> live, MemdevCommands mailbox, PoisonList poison, Handoffs handoffs,
            RegionControl regions, Listing listing, PortControl ports, DpaControl dpa,
            SanitizeWait sanitize, PoisonControl poisoning, FirmwareUpdate firmware, Hooks hooks) {
        /** Services without the entry layer's hooks (tests). */
        public Services(Snapshots snapshots, EventBus events, MemdevControl memdevs, Access access,
                Supplier<Status.Live> live, MemdevCommands mailbox, PoisonList poison, Handoffs handoffs,
                RegionControl regions, Listing listing, PortControl ports, DpaControl dpa,
                SanitizeWait sanitize, PoisonControl poisoning, FirmwareUpdate firmware) {
            this(snapshots, events, memdevs, access, live, mailbox, poison, handoffs, regions, listing, ports, dpa,
                    sanitize, poisoning, firmware, Hooks.NONE);
        }

        /** The region lifecycle as handoffs use it: a region for a memdev without one, and its undoing. */
        public dev.cxld.daemon.handoff.RegionMaker regionMaker() {
            return regionMaker(regions);
        }

        /** {@link #regionMaker()} of {@code regions}, for what is wired before the services are. */
        public static dev.cxld.daemon.handoff.RegionMaker regionMaker(RegionControl regions) {
            return new dev.cxld.daemon.handoff.RegionMaker(regions::createIfNone, regions::undoCreate,
                    regions::settled);
        }
    }

    /** A reply: one line, or one line that starts an event stream on the connection. */
    public sealed interface Reply permits Line, Stream, Passing {
        String line();
    }

    public record Line(String line) implements Reply {}

    /**
     * The connection now also carries {@code subscription}'s events that {@code only} takes, tagged
     * with {@code id}; {@code onClose} runs once when the connection closes (not when cxld stops):
     * a connection lease ends there.
     */
    public record Stream(String line, JsonNode id, EventBus.Subscription subscription,
            java.util.function.Predicate<Event> only, Runnable onClose) implements Reply {
        /** Every event of the subscription, nothing to do at the end. */
        public Stream(String line, JsonNode id, EventBus.Subscription subscription) {
            this(line, id, subscription, e -> true, () -> { });
        }
    }

    /**
     * {@code reply}, sent with {@code file}'s descriptor attached (SCM_RIGHTS); the server closes
     * its own descriptor once the line is sent, or could not be.
     */
    public record Passing(Reply reply, PassedFile file) implements Reply {
        public Passing {
            if (reply instanceof Passing) {
                throw new IllegalArgumentException("one descriptor per reply");
            }
        }

        @Override
        public String line() {
            return reply.line();
        }
    }

    private final Access access;
    private final RefusalLog refusals = new RefusalLog();
    private final DeviceReadBudget budget = new DeviceReadBudget();
    private volatile DevicePolicy device = DevicePolicy.DEFAULT;
    private final Map<String, Operation> operations;

    public Dispatcher(Services services, Status.Daemon self, Clock clock) {
        this.access = services.access();
        this.operations = Operations.table(services, self, clock);
    }

    /** The operation table, in declaration order (reading operations first). */
    Map<String, Operation> operations() {
        return operations;
    }

    /** Told of every answered request: its operation (null when none could be read), outcome code, time taken. */
    public interface Observer {
        void answered(String op, String code, long nanos);
    }

    private volatile Observer observer = (op, code, nanos) -> { };

    public void observe(Observer o) {
        this.observer = o;
    }

    /** The names of the operations served. */
    public java.util.Set<String> operationNames() {
        return java.util.Set.copyOf(operations.keySet());
    }

    public Reply handle(String line, Peer peer) {
        long started = System.nanoTime();
        String[] op = {null};
        String[] code = {"ok"};
        try {
            return handle(line, peer, op, code);
        } finally {
            observer.answered(op[0], code[0], System.nanoTime() - started);
        }
    }

    private Reply handle(String line, Peer peer, String[] op, String[] code) {
        Request req;
        try {
            req = parse(line);
        } catch (Malformed m) {
            code[0] = ErrorCode.INVALID_ARGUMENT.name();
            return encode(Response.failure(m.id, ErrorCode.INVALID_ARGUMENT, m.getMessage()));
        }
        op[0] = req.op();
        try {
            return dispatch(req, peer);
        } catch (Refusal r) {
            code[0] = r.error().code().name();
            String more = refusals.admit(peer.uid(), System.nanoTime());
            if (more != null) {
                LOG.info("{} from {} refused: {}{}", req.op(), peer.describe(), r.getMessage(), more);
            }
            return encode(Response.failure(req.id(), r.error()));
        } catch (RuntimeException e) {
            code[0] = ErrorCode.INTERNAL.name();
            LOG.error("request failed: {}", line, e);
            return encode(Response.failure(req.id(), ErrorCode.INTERNAL, "internal error: " + e));
        }
    }

    /** A request line that is not a request; {@code id} is its id when it is an object that has one. */
    private static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        final transient JsonNode id;

        Malformed(JsonNode id, String message) {
            super(message, null, false, false);
            this.id = id;
        }
    }

    /**
     * The request {@code line} holds. Its fields are checked by hand, so the reason names the field
     * and what it must be (not a Java type), and an object with an {@code id} gets its answer
     * tagged with it even when another field is wrong.
     */
    static Request parse(String line) throws Malformed {
        JsonNode tree;
        try {
            // one request per line: a second value after the first is an error, not ignored
            tree = Json.mapper().reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(line);
        } catch (JsonProcessingException e) {
            throw new Malformed(null, "request is not JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new Malformed(null, "request is not a JSON object with id, op and args: it is "
                    + (tree == null || tree.isMissingNode() ? "empty" : tree.isNull() ? "null" : tree.isArray() ? "an array" : tree.isTextual() ? "a string"
                            : tree.isNumber() ? "a number" : tree.isBoolean() ? "a boolean" : tree.getNodeType().name()));
        }
        JsonNode id = tree.get("id");
        JsonNode op = tree.get("op");
        JsonNode args = tree.get("args");
        JsonNode format = tree.get("format");
        if (op != null && !op.isNull() && !op.isTextual()) {
            throw new Malformed(id, "\"op\" must be a string (the operation's name)");
        }
        if (format != null && !format.isNull() && !format.isTextual()) {
            throw new Malformed(id, "\"format\" must be a string: \"" + Request.Format.JSON + "\" or \""
                    + Request.Format.TEXT + "\"");
        }
        return new Request(id == null || id.isNull() ? null : id, op == null || op.isNull() ? null : op.asText(),
                args, format == null || format.isNull() ? null : format.asText());
    }

    private Reply dispatch(Request req, Peer peer) {
        if (req.op() == null) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "request has no \"op\"");
        }
        if (req.format() != null && !req.format().equals(Request.Format.JSON) && !req.format().equals(Request.Format.TEXT)) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "unknown format \"" + req.format() + "\": \""
                    + Request.Format.JSON + "\" (the result as JSON, the default) or \"" + Request.Format.TEXT
                    + "\" (as the text cxlctl prints)");
        }
        Operation op = operations.get(req.op());
        if (op != null && !op.onlyReads() && !access.mayChange(peer)) {
            throw new Refusal(ErrorCode.PERMISSION_DENIED, access.denial(peer, req.op(), reading()));
        }
        Args args = new Args(req);
        if (op == null) {
            throw new Refusal(ErrorCode.UNKNOWN_OPERATION, "unknown operation \"" + req.op() + "\"; this cxld knows: "
                    + String.join(", ", operations.keySet()));
        }
        // the device policy binds users who are not admins; list's details are parsed once (Args keeps them)
        List<String> reads = access.mayChange(peer) ? List.of() : op.effect() == Operation.Effect.READS_DEVICE
                ? List.of(op.name()) : op.name().equals(Request.LIST)
                        ? DevicePolicy.listReads(args.as(dev.cxld.protocol.MemdevDetails.class)) : List.of();
        if (!reads.isEmpty()) {
            DevicePolicy policy = device;
            for (String r : reads) {
                if (policy.adminOnly(r)) {
                    throw new Refusal(ErrorCode.PERMISSION_DENIED, access.deviceDenial(peer, req.op(), r, reading()));
                }
            }
            long wait = budget.take(peer.uid(), policy.perSecond(), System.nanoTime());
            if (wait > 0) {
                throw new Refusal(ErrorCode.BUSY, req.op() + ": " + peer.describe() + " has made " + policy.perSecond()
                        + " device reads a second (and a burst of " + 2 * policy.perSecond() + "), the limit for a user"
                        + " who is not an admin (device-reads-per-second); try again in " + Math.max(1, wait / 1_000_000)
                        + " ms");
            }
        }
        LOG.debug("request {} {} from {}", req.id(), req.op(), peer.describe());
        return op.handler().handle(new Operation.Call(req, args, peer));
    }

    /** The operations anyone may use, under the device policy in force. */
    List<String> reading() {
        DevicePolicy policy = device;
        return operations.values().stream().filter(Operation::onlyReads)
                .filter(o -> o.effect() != Operation.Effect.READS_DEVICE || !policy.adminOnly(o.name()))
                .map(Operation::name).collect(Collectors.toList());
    }

    /** Who may read through devices, and how often: applied to requests read from now on (start, reload). */
    public void devicePolicy(DevicePolicy next) {
        this.device = next;
    }

    static Line encode(Object o) {
        try {
            return new Line(Json.mapper().writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + o.getClass().getSimpleName(), e);
        }
    }

    /** An error reply line that belongs to no request (a refused connection, an oversized line). */
    static String failure(ErrorCode code, String message) {
        return encode(Response.failure(null, code, message)).line();
    }

    /** An event line of a monitor stream: {"id":..., "event":{...}}. */
    static String eventLine(JsonNode id, Event e) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.set("id", id);
        o.set("event", Json.mapper().valueToTree(e));
        return o.toString();
    }
}
