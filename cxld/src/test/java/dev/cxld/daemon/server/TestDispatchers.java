package dev.cxld.daemon.server;

import dev.cxld.daemon.control.RegionControl;

import dev.cxld.daemon.list.Listing;

import dev.cxld.daemon.sysfs.SysfsAttributes;

import dev.cxld.daemon.control.MemdevControl;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.events.PoisonList;
import dev.cxld.daemon.handoff.HandoffStore;
import dev.cxld.daemon.handoff.Handoffs;
import dev.cxld.daemon.mailbox.MailboxService;
import dev.cxld.daemon.mailbox.MemdevCommands;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlSysfs;
import java.nio.file.Path;
import java.time.Clock;
import java.util.OptionalLong;

/** Dispatchers wired as the daemon wires them, over a fixture tree (no uevents, no trace events). */
public final class TestDispatchers {
    private TestDispatchers() {}

    /** A dispatcher over the tree at {@code sys}, as a daemon of this process's pid. */
    public static Dispatcher over(Path sys) {
        return over(sys, new Status.Daemon("test", dev.cxld.protocol.Response.PROTOCOL_VERSION, ProcessHandle.current().pid(),
                java.time.Instant.now(), System.getProperty("os.version"), sys.toString()));
    }

    /** {@code dispatcher} served at {@code socket} with {@code limits}, on a daemon thread; close it after. */
    public static SocketServer serve(Path socket, Dispatcher dispatcher, Limits limits) throws java.io.IOException {
        SocketServer server = new SocketServer(socket, dispatcher, limits, SocketServer.Exposure.OPEN, Path.of("/proc"));
        Thread t = new Thread(server::serve, "test-server");
        t.setDaemon(true);
        t.start();
        return server;
    }

    public static Dispatcher over(Path sys, Status.Daemon self) {
        return over(sys, self, new Access("cxl", OptionalLong.empty()), new EventBus(Clock.systemUTC()));
    }

    public static Dispatcher over(Path sys, Status.Daemon self, Access access, EventBus bus) {
        Snapshots snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), bus);
        Handoffs handoffs;
        java.util.concurrent.atomic.AtomicReference<Handoffs> held = new java.util.concurrent.atomic.AtomicReference<>();
        RegionControl regions = new RegionControl(new SysfsAttributes(sys), snapshots,
                (name, op) -> held.get() != null ? held.get().claim(name, op) : () -> { });
        try {
            handoffs = new Handoffs(new HandoffStore(sys.resolveSibling(sys.getFileName() + "-state")), snapshots,
                    new dev.cxld.daemon.control.PrivateMemoryControl(new SysfsAttributes(sys),
                            new dev.cxld.daemon.sysfs.MemorySysfs(sys), sys.resolve("dev")), bus,
                    Clock.systemUTC(), pid -> java.util.OptionalLong.empty(), regions::destroyIfSame,
                    new dev.cxld.daemon.handoff.HandoffFiles(sys.resolveSibling(sys.getFileName() + "-run/handoffs")));
            held.set(handoffs);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        SysfsAttributes attributes = new SysfsAttributes(sys);
        MemdevCommands mailbox = new MemdevCommands(new MailboxService(sys.resolve("dev"), snapshots), attributes, snapshots);
        Dispatcher.Services services = new Dispatcher.Services(snapshots, bus,
                new MemdevControl(attributes, snapshots, handoffs::claim), access,
                () -> new Status.Live(snapshots.stats(), "off", 30, bus.subscribers(), "disabled: test", access.adminGroup(),
                        handoffs.status(), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()),
                mailbox, new PoisonList(attributes, bus, () -> false), handoffs,
                regions, new Listing(snapshots, mailbox),
                new dev.cxld.daemon.control.PortControl(attributes, snapshots, handoffs::claim),
                new dev.cxld.daemon.control.DpaControl(attributes, snapshots, handoffs::claim),
                new dev.cxld.daemon.control.SanitizeWait(attributes, snapshots),
                new dev.cxld.daemon.control.PoisonControl(new dev.cxld.daemon.sysfs.CxlDebugfs(null), snapshots),
                new dev.cxld.daemon.control.FirmwareUpdate(attributes, snapshots, Clock.systemUTC()));
        return new Dispatcher(services, self, Clock.systemUTC());
    }
}
