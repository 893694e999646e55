package dev.cxld.daemon.server;

import static dev.cxld.daemon.server.Operation.changes;
import static dev.cxld.daemon.server.Operation.reads;
import static dev.cxld.daemon.server.Operation.readsDevice;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.control.DpaControl;
import dev.cxld.daemon.control.RegionControl;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.handoff.Handoff;
import dev.cxld.daemon.handoff.Handoffs;
import dev.cxld.daemon.handoff.Lease;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Event;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.daemon.nativeio.FdPassing;
import dev.cxld.daemon.nativeio.PassedFile;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.MemdevDetails;
import dev.cxld.protocol.ProjectVersion;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operation table: every operation cxld serves, declared once with whether it only reads and
 * what handles it. Handlers only route: they take the arguments out of the request, call the
 * service that owns the operation, and wrap its answer. Reading operations come first, in the
 * order {@code hello} lists them.
 */
final class Operations {
    private Operations() {}

    static Map<String, Operation> table(Dispatcher.Services s, Status.Daemon self, Clock clock) {
        List<Operation> ops = List.of(
                reads(Request.HELLO, c -> {
                    ObjectNode hello = Json.mapper().createObjectNode();
                    hello.put("daemon", "cxld");
                    hello.put("version", ProjectVersion.get());
                    hello.put("protocol", Response.PROTOCOL_VERSION);
                    hello.put("may_change", s.access().mayChange(c.peer()));
                    return c.ok(hello);
                }),
                reads(Request.LIST, c -> c.request().wantsText()
                        ? c.okText(s.listing().renderedText(c.args().as(ListParams.class), c.args().as(MemdevDetails.class)))
                        : c.ok(s.listing().rendered(c.args().as(ListParams.class), c.args().as(MemdevDetails.class)))),
                reads(Request.STATUS, c -> {
                    Snapshots.Taken t = s.snapshots().fresh();
                    return c.ok(Status.of(self, t.topology(), t.at(), clock.instant(), s.live().get()));
                }),
                reads(Request.METRICS, c -> {
                    String text = s.hooks().metrics();
                    if (c.request().wantsText()) {
                        return c.okText(text);
                    }
                    ObjectNode m = Json.mapper().createObjectNode();
                    m.put("content_type", dev.cxld.daemon.metrics.Metrics.contentType());
                    m.put("exposition", text);
                    return c.ok(m);
                }),
                reads(Request.MONITOR, c -> {
                    List<String> sources = EventBus.monitorSources(c.args().texts("sources", null));
                    EventBus.Subscription sub = s.events().subscribe(Set.copyOf(sources));
                    ObjectNode result = Json.mapper().createObjectNode();
                    ArrayNode a = result.putArray("sources");
                    sources.forEach(a::add);
                    return new Dispatcher.Stream(c.ok(result).line(), c.request().id(), sub);
                }),
                readsDevice(Request.MAILBOX_COMMANDS, c -> c.ok(s.mailbox().commands(c.args().text("memdev")))),
                readsDevice(Request.IDENTIFY, c -> c.ok(s.mailbox().identify(c.args().text("memdev")))),
                readsDevice(Request.HEALTH, c -> c.ok(s.mailbox().health(c.args().text("memdev")))),
                readsDevice(Request.PARTITION, c -> c.ok(s.mailbox().partition(c.args().text("memdev")))),
                readsDevice(Request.FW_INFO, c -> c.ok(s.mailbox().firmware(c.args().text("memdev")))),
                readsDevice(Request.ALERT_CONFIG, c -> c.ok(s.mailbox().alertConfig(c.args().text("memdev")))),
                readsDevice(Request.LOGS, c -> c.ok(s.mailbox().logs(c.args().text("memdev")))),
                readsDevice(Request.TIMESTAMP, c -> c.ok(s.mailbox().timestamp(c.args().text("memdev")))),
                readsDevice(Request.SHUTDOWN_STATE, c -> c.ok(s.mailbox().shutdownState(c.args().text("memdev")))),
                readsDevice(Request.LABELS_READ, c -> c.ok(s.mailbox().labelsRead(c.args().text("memdev"),
                        c.args().number("offset", 0), c.args().optionalNumber("length")))),
                readsDevice(Request.POISON, c -> c.ok(s.poison().list(c.args().text("memdev")))),
                reads(Request.WAIT_SANITIZE, c -> c.ok(s.sanitize().await(c.args().text("memdev"),
                        c.args().optionalNumber("timeout_ms")))),

                changes(Request.ENABLE_MEMDEV, c -> c.ok(s.memdevs().enable(c.args().text("memdev")))),
                changes(Request.DISABLE_MEMDEV, c -> c.ok(s.memdevs().disable(c.args().text("memdev"),
                        c.args().flag("force")))),
                changes(Request.LABELS_WRITE, c -> c.ok(s.mailbox().labelsWrite(c.args().text("memdev"),
                        c.args().number("offset", 0), c.args().base64("data")))),
                changes(Request.LABELS_ZERO, c -> c.ok(s.mailbox().labelsZero(c.args().text("memdev"),
                        c.args().number("offset", 0), c.args().optionalNumber("length")))),
                changes(Request.ATTACH_REGION, c -> {
                    String memdev = c.args().text("memdev");
                    Lease lease = lease(s.handoffs(), c);
                    boolean create = c.args().flag("create");
                    Long grantTo = c.args().flag("grant") ? c.peer().uid() : null;
                    boolean fd = c.args().flag("fd");
                    if (lease == null || !lease.isConnection()) {
                        Handoff h = s.handoffs().attachCreating(s.regionMaker(), create, memdev, holder(c), lease, null,
                                grantTo, null);
                        return passing(s.handoffs(), h, fd, c.ok(Json.mapper().valueToTree(h)));
                    }
                    // a connection lease: the connection carries its handoff's events from now on
                    // (subscribed before attach, so a revocation cannot fall between) and ends it on close
                    EventBus.Subscription sub = s.events().subscribe(Set.of(Event.HANDOFF));
                    try {
                        Handoff h = s.handoffs().attachCreating(s.regionMaker(), create, memdev, holder(c), lease,
                                c.peer(), grantTo, null);
                        return passing(s.handoffs(), h, fd, new Dispatcher.Stream(c.ok(Json.mapper().valueToTree(h)).line(),
                                c.request().id(), sub, e -> isAbout(e, h) && !"handoff-attached".equals(e.event()),
                                () -> s.handoffs().endLease(h, "the connection that held it closed")));
                    } catch (RuntimeException e) {
                        sub.close();
                        throw e;
                    }
                }),
                changes(Request.DETACH_REGION, c -> {
                    Handoffs.Released r = s.handoffs().detach(c.args().text("target"), c.args().flag("keep_devdax"),
                            c.args().flag("force"), c.peer(), c.peer().pid());
                    ObjectNode o = Json.mapper().valueToTree(r.handoff());
                    o.put("memory", r.memory());
                    if (!r.restoreErrors().isEmpty()) {
                        r.restoreErrors().forEach(o.putArray("restore_errors")::add);
                    }
                    return c.ok(o);
                }),
                changes(Request.CREATE_REGION, c -> c.ok(s.regions().create(new RegionControl.CreateRequest(
                        c.args().optionalText("root"), c.args().text("type"), c.args().optionalInt("ways"),
                        c.args().optionalInt("granularity"), c.args().optionalNumber("size"),
                        c.args().texts("memdevs", List.of()), c.args().optionalText("uuid"))))),
                changes(Request.DESTROY_REGION, c -> c.ok(s.regions().destroy(c.args().text("region"),
                        c.args().flag("force")))),
                changes(Request.ENABLE_REGION, c -> c.ok(s.regions().enable(c.args().text("region")))),
                changes(Request.DISABLE_REGION, c -> c.ok(s.regions().disable(c.args().text("region")))),
                changes(Request.RELOAD, c -> c.ok(s.hooks().reload())),
                changes(Request.ENABLE_PORT, c -> c.ok(s.ports().enable(c.args().text("port"), c.args().flag("endpoint"),
                        c.args().flag("enable_memdevs")))),
                changes(Request.DISABLE_PORT, c -> c.ok(s.ports().disable(c.args().text("port"), c.args().flag("endpoint"),
                        c.args().flag("force")))),
                changes(Request.DISABLE_BUS, c -> c.ok(s.ports().disableBus(c.args().text("bus"), c.args().flag("force")))),
                changes(Request.INJECT_POISON, c -> c.ok(s.poisoning().poison(c.args().text("memdev"),
                        c.args().number("address", -1), true))),
                changes(Request.CLEAR_POISON, c -> c.ok(s.poisoning().poison(c.args().text("memdev"),
                        c.args().number("address", -1), false))),
                changes(Request.SET_PARTITION, c -> c.ok(s.mailbox().setPartition(c.args().text("memdev"),
                        c.args().optionalText("type"), c.args().optionalNumber("size"), c.args().flag("align")))),
                changes(Request.SET_ALERT_CONFIG, c -> c.ok(s.mailbox().setAlertConfig(c.args().text("memdev"),
                        alert(c, "life_used"), alert(c, "over_temperature"), alert(c, "under_temperature"),
                        alert(c, "volatile_mem_err"), alert(c, "pmem_err")))),
                changes(Request.FIRMWARE_UPLOAD, c -> c.ok(s.firmware().piece(c.args().text("memdev"),
                        c.args().number("offset", 0), c.args().has("data") ? c.args().base64("data") : new byte[0],
                        c.args().flag("last")))),
                changes(Request.FIRMWARE_CANCEL, c -> c.ok(s.firmware().cancel(c.args().text("memdev")))),
                changes(Request.INJECT_PROTOCOL_ERROR, c -> c.ok(s.poisoning().protocolError(c.args().text("dport"),
                        c.args().text("protocol"), c.args().text("severity")))),
                changes(Request.RESERVE_DPA, c -> c.ok(s.dpa().reserve(dpa(c)))),
                changes(Request.FREE_DPA, c -> c.ok(s.dpa().free(dpa(c)))));
        Map<String, Operation> table = new LinkedHashMap<>();
        for (Operation op : ops) {
            if (table.put(op.name(), op) != null) {
                throw new IllegalStateException("operation " + op.name() + " is declared twice");
            }
        }
        return table;
    }

    /** One alert of set-alert-config: {@code NAME} "on" with {@code NAME_threshold}, or "off"; absent leaves it. */
    private static dev.cxld.daemon.mailbox.MemdevCommands.Alert alert(Operation.Call c, String name) {
        String action = c.args().optionalText(name);
        Integer threshold = c.args().optionalSignedInt(name + "_threshold");
        if (action == null) {
            if (threshold != null) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, name + ": Action not specified (\"on\" with a threshold)");
            }
            return null;
        }
        switch (action) {
            case "on":
                if (threshold == null) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, name + ": Threshold not specified");
                }
                return new dev.cxld.daemon.mailbox.MemdevCommands.Alert(true, threshold);
            case "off":
                if (threshold != null) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, name + ": Disable not require threshold");
                }
                return new dev.cxld.daemon.mailbox.MemdevCommands.Alert(false, 0);
            default:
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, name + ": Invalid action: " + action + " (on or off)");
        }
    }

    private static DpaControl.Request dpa(Operation.Call c) {
        return new DpaControl.Request(c.args().text("memdev"), c.args().optionalText("type"),
                c.args().optionalNumber("size"), c.args().optionalText("decoder"), c.args().flag("force"));
    }

    /**
     * {@code reply}, with {@code h}'s character device opened read-write to travel with it
     * (SCM_RIGHTS) when {@code fd} asks for it; the handoff is undone when there is no device to
     * pass or it cannot be opened, so a refused attach leaves nothing handed off.
     */
    private static Dispatcher.Reply passing(Handoffs handoffs, Handoff h, boolean fd, Dispatcher.Reply reply) {
        if (!fd) {
            return reply;
        }
        String device = h.privateMemory() == null ? null : h.privateMemory().device();
        if (device == null) {
            handoffs.abandon(h, "it has no character device to pass");
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, h.region() + " of " + h.memdev() + " has no dax device, so"
                    + " there is no /dev/daxX.Y to pass; attach it without \"fd\" (its range is then the handoff)");
        }
        if (!FdPassing.available()) {
            handoffs.abandon(h, "this cxld cannot pass descriptors");
            throw new Refusal(ErrorCode.UNAVAILABLE, "this cxld cannot pass descriptors: it runs without"
                    + " --add-opens java.base/sun.nio.ch=ALL-UNNAMED (bin/cxld and the jar's manifest give it)");
        }
        try {
            return new Dispatcher.Passing(reply, PassedFile.open(java.nio.file.Path.of(device)));
        } catch (ErrnoException e) {
            handoffs.abandon(h, "its device could not be opened");
            throw new Refusal(ErrorCode.KERNEL_ERROR, "cannot open " + device + " to pass it: " + e.getMessage()
                    + "; nothing was handed off");
        }
    }

    /**
     * The lease an attach asks for: none (durable), {@code "connection"}, or {@code "process"}
     * with {@code pid} (which must exist).
     */
    private static Lease lease(Handoffs handoffs, Operation.Call c) {
        String kind = c.args().optionalText("lease");
        Long pid = c.args().optionalNumber("pid");
        if (kind == null) {
            if (pid != null) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "\"pid\" goes with \"lease\":\"process\"");
            }
            return null;
        }
        switch (kind) {
            case Lease.CONNECTION:
                if (pid != null) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, "\"pid\" goes with \"lease\":\"process\", not \"connection\"");
                }
                return Lease.connection(c.peer().pid() > 0 ? c.peer().pid() : null);
            case Lease.PROCESS:
                if (pid == null || pid <= 0) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, "\"lease\":\"process\" needs \"pid\", a process id");
                }
                return handoffs.processLease(pid);
            default:
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "\"lease\" is \"connection\" or \"process\", not \""
                        + kind + "\"");
        }
    }

    /** An event about handoff {@code h} itself (not an earlier or later one of the same region). */
    private static boolean isAbout(Event e, Handoff h) {
        return Event.HANDOFF.equals(e.source()) && h.region().equals(e.name()) && e.data() != null
                && h.since().equals(e.data().path("since").asText()) && h.memdev().equals(e.data().path("memdev").asText());
    }

    /** Who asks for a handoff: the peer, and the owner label it gave. */
    private static Handoff.Holder holder(Operation.Call c) {
        Peer p = c.peer();
        return new Handoff.Holder(p.uid(), p.user(), p.pid() > 0 ? p.pid() : null, p.comm(),
                c.args().optionalText("owner"));
    }
}
