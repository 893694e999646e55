package dev.cxld.daemon.server;

import dev.cxld.daemon.control.MemdevControl;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.events.PoisonList;
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

    public static Dispatcher over(Path sys, Status.Daemon self) {
        return over(sys, self, new Access("cxl", OptionalLong.empty()), new EventBus(Clock.systemUTC()));
    }

    public static Dispatcher over(Path sys, Status.Daemon self, Access access, EventBus bus) {
        Snapshots snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), bus);
        Dispatcher.Services services = new Dispatcher.Services(snapshots, bus, new MemdevControl(sys, snapshots), access,
                () -> new Status.Live(snapshots.stats(), "off", 30, bus.subscribers(), "disabled: test", access.adminGroup()),
                new MemdevCommands(new MailboxService(sys.resolve("dev"), snapshots), sys),
                new PoisonList(sys, bus, () -> false));
        return new Dispatcher(services, self, Clock.systemUTC());
    }
}
