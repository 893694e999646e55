package dev.cxld.daemon.command;

import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.mailbox.MailboxCapture;
import dev.cxld.daemon.mailbox.MailboxService;
import dev.cxld.daemon.sysfs.CxlSysfs;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cxld capture-mailbox MEMDEV DIR}: {@link MailboxCapture} from the command line. */
@Command(name = "capture-mailbox", mixinStandardHelpOptions = true,
        description = "Save the raw responses of the read-only mailbox commands of MEMDEV into DIR (one .bin file"
                + " each, and results.txt), for bug reports and decoder tests. Needs access to /dev/cxl/MEMDEV.")
public final class CaptureMailboxCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "/sys", description = "sysfs (default: ${DEFAULT-VALUE})")
    Path sysfsRoot;

    @Option(names = "--dev-root", paramLabel = "DIR", defaultValue = "/dev", description = "device nodes (default: ${DEFAULT-VALUE})")
    Path devRoot;

    @Parameters(index = "0", paramLabel = "MEMDEV")
    String memdev;

    @Parameters(index = "1", paramLabel = "DIR")
    Path out;

    @Override
    public Integer call() throws Exception {
        Clock clock = Clock.systemUTC();
        Snapshots snapshots = new Snapshots(new CxlSysfs(sysfsRoot), clock, new EventBus(clock));
        MailboxCapture.capture(new MailboxService(devRoot, snapshots), memdev, out)
                .forEach(spec.commandLine().getOut()::println);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
