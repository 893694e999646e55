package dev.cxld.daemon;

import dev.cxld.daemon.control.DpaControl;
import dev.cxld.daemon.control.FirmwareUpdate;
import dev.cxld.daemon.control.MemdevControl;
import dev.cxld.daemon.control.PoisonControl;
import dev.cxld.daemon.control.PortControl;
import dev.cxld.daemon.sysfs.CxlDebugfs;
import dev.cxld.daemon.control.PrivateMemoryControl;
import dev.cxld.daemon.control.RegionControl;
import dev.cxld.daemon.control.SanitizeWait;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.events.PoisonList;
import dev.cxld.daemon.events.TraceEvents;
import dev.cxld.daemon.config.CxldConfig;
import dev.cxld.daemon.handoff.Accelerators;
import dev.cxld.daemon.handoff.Handoff;
import dev.cxld.daemon.handoff.HandoffFiles;
import dev.cxld.daemon.handoff.HandoffStore;
import dev.cxld.daemon.policy.AcceleratorRule;
import dev.cxld.daemon.handoff.Handoffs;
import dev.cxld.daemon.list.Listing;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.live.UeventListener;
import dev.cxld.daemon.mailbox.MailboxService;
import dev.cxld.daemon.mailbox.MemdevCommands;
import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.daemon.nativeio.Groups;
import dev.cxld.daemon.nativeio.PeerCredentials;
import dev.cxld.daemon.server.Access;
import dev.cxld.daemon.server.Dispatcher;
import dev.cxld.daemon.server.Hooks;
import dev.cxld.daemon.server.Limits;
import dev.cxld.daemon.server.SocketServer;
import dev.cxld.daemon.server.Status;
import dev.cxld.daemon.sysfs.AttributeWatch;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.MemorySysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ProjectVersion;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cxld wired by hand: sysfs reader → snapshots (kept fresh by uevents and rescans) → events →
 * dispatcher → socket server.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /**
     * Everything the daemon is configured with.
     *
     * @param tracefs where to read CXL trace events from; null: nowhere
     * @param uevents listen to kernel uevents (only meaningful when sysfsRoot is the live /sys)
     * @param runDir where handoffs are published as files ({@code handoffs/<memdev>.json})
     * @param settings what the configuration files say (the accelerators)
     * @param debugfs debugfs (for cxl/memN/inject_poison), null for none
     */
    public record Config(Path sysfsRoot, Path socket, Limits limits, SocketServer.Exposure exposure,
            String adminGroup, Duration rescanInterval, Path tracefs, boolean uevents, Path devRoot, Path stateDir,
            Path procRoot, Path runDir, CxldConfig settings, Path debugfs, Exported exported) {
        /** Without metrics exports. */
        public Config(Path sysfsRoot, Path socket, Limits limits, SocketServer.Exposure exposure,
                String adminGroup, Duration rescanInterval, Path tracefs, boolean uevents, Path devRoot, Path stateDir,
                Path procRoot, Path runDir, CxldConfig settings, Path debugfs) {
            this(sysfsRoot, socket, limits, exposure, adminGroup, rescanInterval, tracefs, uevents, devRoot, stateDir,
                    procRoot, runDir, settings, debugfs, Exported.NONE);
        }

        /**
         * A daemon over a captured tree, as tests start it: no uevents, no trace events, no device
         * nodes, its state beside the socket, peers read from this host's /proc.
         */
        public Config(Path sysfsRoot, Path socket) {
            this(sysfsRoot, socket, Limits.DEFAULT, SocketServer.Exposure.OPEN, "cxl", Duration.ofSeconds(30), null, false,
                    sysfsRoot.resolve("dev"), socket.toAbsolutePath().getParent().resolve("cxld-state"), Path.of("/proc"),
                    socket.toAbsolutePath().getParent().resolve("cxld-run"), CxldConfig.none(), null);
        }

        /** The same daemon with {@code settings} from configuration files. */
        public Config with(CxldConfig settings) {
            return new Config(sysfsRoot, socket, limits, exposure, adminGroup, rescanInterval, tracefs, uevents, devRoot,
                    stateDir, procRoot, runDir, settings, debugfs, exported);
        }
    }

    /**
     * What cxld writes or serves for orchestration besides its socket.
     *
     * @param textfile node-exporter textfile collector file ({@code *.prom}), or null
     * @param listen HTTP address for {@code GET /metrics}, or null
     * @param features Node Feature Discovery feature file, or null
     * @param interval how often the files are rewritten
     */
    public record Exported(Path textfile, java.net.InetSocketAddress listen, Path features, Duration interval) {
        public static final Exported NONE = new Exported(null, null, null, Duration.ofSeconds(15));
    }

    private final SocketServer server;
    private final dev.cxld.daemon.metrics.Metrics metrics;
    private final dev.cxld.daemon.server.MetricsHttp metricsHttp;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cxld-refresh");
        t.setDaemon(true);
        return t;
    });
    private final UeventListener uevents;
    private final TraceEvents trace;
    private final Accelerators accelerators;
    private final AttributeWatch watch;

    private final Snapshots snapshots;
    private final Handoffs handoffs;
    private volatile long lastTick = System.nanoTime();
    private volatile com.fasterxml.jackson.databind.node.ObjectNode service;
    private volatile java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> reloader;

    public Daemon(Config config) throws IOException {
        this(config, null);
    }

    /**
     * @param listening the listening socket systemd passed (socket activation), or null to bind
     *     {@code config.socket()}
     */
    public Daemon(Config config, java.nio.channels.ServerSocketChannel listening) throws IOException {
        Clock clock = Clock.systemUTC();
        EventBus bus = new EventBus(clock);
        AttributeWatch watch = null;
        if (config.uevents()) {
            try {
                watch = AttributeWatch.open();
            } catch (ErrnoException e) {
                LOG.warn("cannot watch attribute writes ({}); region and decoder configuration is read again for"
                        + " every request", e.getMessage());
            }
        }
        this.watch = watch;
        CxlSysfs sysfs = new CxlSysfs(config.sysfsRoot(), watch);
        SysfsAttributes attributes = new SysfsAttributes(config.sysfsRoot());
        Snapshots snapshots;
        UeventListener listener = null;
        String listenerState;
        if (config.uevents() && sysfs.hasUeventSeqnum()) {
            // The listener needs the snapshot and the snapshot the listener's first events: a
            // forwarding sink lets the socket open before the first scan, so nothing falls between.
            ForwardingSink sink = new ForwardingSink();
            try {
                listener = UeventListener.start(sink);
                snapshots = new Snapshots(sysfs, clock, bus, true, watch);
                sink.target = snapshots;
                listenerState = "running";
            } catch (ErrnoException e) {
                LOG.warn("cannot listen to uevents ({}); every request rescans", e.getMessage());
                snapshots = new Snapshots(sysfs, clock, bus);
                listenerState = "unavailable: " + e.getMessage();
            }
        } else {
            snapshots = new Snapshots(sysfs, clock, bus);
            listenerState = config.uevents() ? "unavailable: no " + config.sysfsRoot().resolve("kernel/uevent_seqnum")
                    : "off: " + config.sysfsRoot() + " is not the live /sys";
        }
        this.uevents = listener;
        snapshots.current().topology().errors().forEach(e -> LOG.warn("{}", e));
        this.trace = config.tracefs() == null ? null : TraceEvents.start(config.tracefs(), bus);
        if (!PeerCredentials.available()) {
            LOG.warn("peer pids and groups are unavailable (run with --add-opens java.base/sun.nio.ch=ALL-UNNAMED);"
                    + " only root may change things");
        }

        java.util.OptionalInt adminGid = Groups.gid(config.adminGroup());
        Access access = new Access(config.adminGroup(), adminGid.isPresent()
                ? java.util.OptionalLong.of(adminGid.getAsInt()) : java.util.OptionalLong.empty());
        if (access.adminGid().isEmpty()) {
            LOG.warn("group {} does not exist: only root may change things", config.adminGroup());
        }
        Status.Daemon self = new Status.Daemon(ProjectVersion.get(), Response.PROTOCOL_VERSION,
                ProcessHandle.current().pid(), Instant.now(), System.getProperty("os.version"),
                config.sysfsRoot().toString());
        Snapshots s = snapshots;
        UeventListener l = listener;
        String ls = listenerState;
        // regions and handoffs know each other: a held region is not destroyed, an ended handoff
        // destroys the region cxld created for it
        java.util.concurrent.atomic.AtomicReference<Handoffs> held = new java.util.concurrent.atomic.AtomicReference<>();
        dev.cxld.daemon.control.RegionJournal journal = new dev.cxld.daemon.control.RegionJournal(config.stateDir());
        RegionControl regions = new RegionControl(attributes, s, (name, op) -> {
            Handoffs h = held.get();
            // null while Handoffs starts: it tears down only regions no handoff holds, and serves no one yet
            return h != null ? h.claim(name, op) : () -> { };
        }, journal);
        Handoffs handoffs = new Handoffs(new HandoffStore(config.stateDir()), s,
                new PrivateMemoryControl(attributes, new MemorySysfs(config.sysfsRoot()), config.devRoot()), bus, clock,
                new dev.cxld.daemon.sysfs.ProcStat(config.procRoot())::startTime, regions::destroyIfSame,
                new HandoffFiles(config.runDir().resolve("handoffs")));
        held.set(handoffs);
        // creates and destroys a killed cxld left under way are ended before anyone is served
        com.fasterxml.jackson.databind.node.ArrayNode interrupted = interruptedChanges(regions.recover(
                region -> handoffs.active().stream().anyMatch(h -> h.region().equals(region))), journal.problem());
        Accelerators policy = new Accelerators(config.settings().accelerators(), handoffs, s, bus,
                Dispatcher.Services.regionMaker(regions),
                m -> attributes.pciFunctionOf(m.memdev()).map(f -> new AcceleratorRule.PciId(f.vendor(), f.device()))
                        .orElse(null),
                self());
        this.accelerators = policy;
        MailboxService mailboxes = new MailboxService(config.devRoot(), s);
        MemdevCommands mailbox = new MemdevCommands(mailboxes, attributes, s);
        TraceEvents tracing = trace;
        // the CXL core may load after cxld starts (a module): a poison list asked for then starts it
        PoisonList poison = new PoisonList(attributes, bus, () -> tracing != null && tracing.retry(),
                tracing == null ? null : tracing::barrier);
        CxlDebugfs debugfs = new CxlDebugfs(config.debugfs());
        FirmwareUpdate firmware = new FirmwareUpdate(attributes, s, clock);
        Dispatcher.Services services = new Dispatcher.Services(s, bus,
                new MemdevControl(attributes, s, handoffs::claim), access,
                () -> new Status.Live(s.stats(), l == null ? ls : l.running() ? "running" : "stopped (see the log)",
                        config.rescanInterval().toSeconds(), bus.subscribers(),
                        trace == null ? "disabled: no tracefs configured" : trace.state(), config.adminGroup(),
                        handoffs.status(), policy.status(), service, interrupted),
                mailbox, poison, handoffs, regions, new Listing(s, mailbox, poison, debugfs, new MemorySysfs(config.sysfsRoot())),
                new PortControl(attributes, s, handoffs::claim), new DpaControl(attributes, s, handoffs::claim),
                new SanitizeWait(attributes, s), new PoisonControl(debugfs, s), firmware, new Hooks() {
                    @Override
                    public com.fasterxml.jackson.databind.JsonNode reload() {
                        java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> r = reloader;
                        if (r == null) {
                            return Hooks.NONE.reload();
                        }
                        return r.get();
                    }

                    @Override
                    public String metrics() {
                        return metrics.text();
                    }
                });
        Dispatcher dispatcher = new Dispatcher(services, self, clock);
        dev.cxld.daemon.metrics.HealthCache health = new dev.cxld.daemon.metrics.HealthCache(
                m -> s.current().topology().memdev(m).filter(x -> x.enabled())
                        .map(x -> mailbox.health(m).path("health")).filter(h -> h.isObject()).orElse(null),
                Duration.ofSeconds(60));
        this.metrics = new dev.cxld.daemon.metrics.Metrics(dispatcher.operationNames(), s, handoffs, policy::status,
                health::get, self.version(), self.kernelRelease(), self.started().getEpochSecond());
        dispatcher.observe(metrics::request);
        mailboxes.onError(metrics::mailboxError);
        this.server = listening != null ? new SocketServer(listening, dispatcher, config.limits(), config.procRoot())
                : new SocketServer(config.socket(), dispatcher, config.limits(), config.exposure(), config.procRoot());
        this.snapshots = s;
        this.handoffs = handoffs;
        this.service = serviceJson(config, listening != null, null, null);
        if (!config.settings().accelerators().isEmpty()) {
            LOG.info("accelerators from {}: {}", config.settings().files(), config.settings().accelerators().stream()
                    .map(a -> a.name() + " (" + a.describeMatch() + ")").collect(java.util.stream.Collectors.joining(", ")));
        }
        policy.start(); // the designated memdevs present now arrive before anyone can ask
        Exported ex = config.exported();
        if (ex.textfile() != null || ex.features() != null) {
            dev.cxld.daemon.metrics.Exports files = new dev.cxld.daemon.metrics.Exports(ex.textfile(), ex.features(),
                    metrics, s, handoffs::status, policy::status);
            files.write();
            long every = ex.interval().toMillis();
            timer.scheduleWithFixedDelay(() -> guarded(files::write), every, every, TimeUnit.MILLISECONDS);
        }
        dev.cxld.daemon.server.MetricsHttp http = null;
        if (ex.listen() != null) {
            try {
                http = new dev.cxld.daemon.server.MetricsHttp(ex.listen(), metrics::text,
                        dev.cxld.daemon.metrics.Metrics.contentType());
            } catch (IOException e) {
                server.close();
                throw e;
            }
        }
        this.metricsHttp = http;
        long period = config.rescanInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> guarded(s::rescan), period, period, TimeUnit.MILLISECONDS);
        // trace events start once the kernel has them (the CXL core loaded as a module later)
        if (trace != null) {
            timer.scheduleWithFixedDelay(() -> guarded(trace::retry), 5, 5, TimeUnit.SECONDS);
        }
        // a firmware upload whose client stopped sending is aborted
        timer.scheduleWithFixedDelay(() -> guarded(firmware::expire), 5, 5, TimeUnit.SECONDS);
        // process leases end when their process exits: looked for once a second
        timer.scheduleWithFixedDelay(() -> {
            lastTick = System.nanoTime();
            guarded(handoffs::checkLeases);
        }, 1000, 1000, TimeUnit.MILLISECONDS);
        if (listener != null) {
            // apply uevents promptly, so monitors hear of changes even when nobody asks
            timer.scheduleWithFixedDelay(() -> guarded(s::applyPending), 50, 50, TimeUnit.MILLISECONDS);
        }
        LOG.info("cxld serving {} ({} memdevs, {} regions under {}; uevents: {})", config.socket(),
                s.current().topology().memdevs().size(), s.current().topology().regions().size(),
                config.sysfsRoot(), listenerState);
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode serviceJson(Config config, boolean activated,
            com.fasterxml.jackson.databind.node.ObjectNode before, com.fasterxml.jackson.databind.node.ObjectNode reload) {
        com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode();
        com.fasterxml.jackson.databind.node.ArrayNode files = o.putArray("config_files");
        config.settings().files().forEach(f -> files.add(f.toString()));
        o.put("socket_activated", before != null ? before.path("socket_activated").asBoolean() : activated);
        o.put("max_connections", config.limits().maxConnections());
        o.put("max_connections_per_user", config.limits().maxPerUser());
        o.put("device_reads_per_second", config.limits().device().perSecond());
        config.limits().device().describe().forEach(o.putObject("device_read")::put);
        if (reload != null) {
            o.set("last_reload", reload);
        }
        return o;
    }

    /**
     * Status's {@code interrupted_changes}: what became of the changes found under way at start,
     * and the journal itself when it could not be read.
     */
    private static com.fasterxml.jackson.databind.node.ArrayNode interruptedChanges(
            java.util.List<RegionControl.Recovery> recovered, String journalProblem) {
        com.fasterxml.jackson.databind.node.ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .arrayNode();
        for (RegionControl.Recovery r : recovered) {
            a.addObject().put("region", r.region()).put("asked", r.asked()).put("outcome", r.outcome())
                    .put("detail", r.detail());
        }
        if (journalProblem != null) {
            a.addObject().put("outcome", "failed").put("detail", journalProblem);
        }
        return a;
    }

    /** What the {@code reload} operation runs (Main's configuration reload). */
    public void onReload(java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> reload) {
        this.reloader = reload;
    }

    /** The socket served (bound by cxld, or passed by systemd). */
    public Path socket() {
        return server.path();
    }

    /** One line for systemd's STATUS=: what cxld serves. */
    public String statusLine() {
        dev.cxld.protocol.model.Topology t = snapshots.current().topology();
        return "serving " + t.memdevs().size() + " memdevs, " + t.regions().size() + " regions, "
                + handoffs.active().size() + " handoffs active on " + server.path();
    }

    /** Null when cxld is healthy, else why not (the service watchdog pings only a healthy cxld). */
    public String unhealthy() {
        if (!server.accepting()) {
            return "the socket is closed";
        }
        long stale = (System.nanoTime() - lastTick) / 1_000_000;
        return stale > 10_000 ? "cxld's timer thread has not run for " + stale + " ms" : null;
    }

    /** Applies a reloaded configuration: the connection limits and the accelerators. */
    public void reconfigure(Config next) {
        server.limits(next.limits());
        accelerators.reconfigure(next.settings().accelerators());
    }

    /** What the last reload did, shown in status under daemon.service.last_reload. */
    public void reloadOutcome(boolean applied, String outcome, Config now) {
        com.fasterxml.jackson.databind.node.ObjectNode r = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode();
        r.put("at", Instant.now().toString());
        r.put("applied", applied);
        r.put("outcome", outcome);
        service = serviceJson(now, false, service, r);
    }

    /** cxld itself as the holder of what its policy hands off (the accelerator's label goes with it). */
    private static Handoff.Holder self() {
        com.sun.security.auth.module.UnixSystem me = new com.sun.security.auth.module.UnixSystem();
        return new Handoff.Holder(me.getUid(), me.getUsername(), ProcessHandle.current().pid(), "cxld", null);
    }

    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("refresh failed", e);
        }
    }

    /** Hands uevents to the snapshots once they exist (uevents before that are in the first scan). */
    private static final class ForwardingSink implements UeventListener.Sink {
        volatile Snapshots target;

        @Override
        public void uevent(dev.cxld.daemon.live.Uevent u) {
            Snapshots t = target;
            if (t != null) {
                t.uevent(u);
            }
        }

        @Override
        public void seen(long seqnum) {
            Snapshots t = target;
            if (t != null) {
                t.seen(seqnum);
            }
        }

        @Override
        public void lost(String why) {
            Snapshots t = target;
            if (t != null) {
                t.lost(why);
            }
        }
    }

    /** Serves until closed. */
    public void serve() {
        server.serve();
    }

    /** The HTTP metrics listener's port, or -1 when there is none. */
    public int metricsPort() {
        return metricsHttp == null ? -1 : metricsHttp.port();
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (metricsHttp != null) {
            metricsHttp.close();
        }
        timer.shutdownNow();
        accelerators.close();
        if (watch != null) {
            watch.close();
        }
        try {
            if (uevents != null) {
                uevents.close();
            }
            if (trace != null) {
                trace.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
