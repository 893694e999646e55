package dev.cxld.daemon.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.list.Listing;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.mailbox.MailboxService;
import dev.cxld.daemon.mailbox.MemdevCommands;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.ListOptions;
import dev.cxld.protocol.ListParams;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cxld list}: the listing straight from a sysfs tree, without a daemon (for debugging). */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Print the CXL topology of a sysfs tree as ndctl's `cxl list` does, without a running daemon: "
                + "for looking at a captured tree or a machine where cxld is not running. With no object option "
                + "it lists regions and memdevs; a filter alone lists its own kind. -H -I -F -A (and -vvv) open "
                + "the memdevs' device nodes under --dev-root themselves. Use `cxlctl list` against a running cxld.",
        footer = {"", "Examples:", "  cxld list --sysfs-root /tmp/ram3-committed -RT", "  cxld list -vv -u"})
public final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "/sys", description = "sysfs to read (default: ${DEFAULT-VALUE})")
    Path sysfsRoot;

    @Option(names = "--dev-root", paramLabel = "DIR", defaultValue = "/dev",
            description = "where cxl/memN are, for -H -I -F -A (default: ${DEFAULT-VALUE})")
    Path devRoot;

    @Mixin ListOptions options;

    @Override
    public Integer call() {
        ListParams params = options.toParams();
        try {
            params.resolve();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Clock clock = Clock.systemUTC();
        Snapshots snapshots = new Snapshots(new CxlSysfs(sysfsRoot), clock, new EventBus(clock));
        snapshots.current().topology().errors().forEach(e -> spec.commandLine().getErr().println("cxld list: warning: " + e));
        MemdevCommands mailbox = new MemdevCommands(new MailboxService(devRoot, snapshots),
                new SysfsAttributes(sysfsRoot), snapshots);
        JsonNode out;
        try {
            out = new Listing(snapshots, mailbox).list(params, options.details());
        } catch (Refusal r) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), r.getMessage());
        }
        spec.commandLine().getOut().print(JsonText.pretty(out));
        spec.commandLine().getOut().flush();
        if (out.isArray() && out.isEmpty()) {
            // byte for byte what ndctl prints, for scripts that match on it
            spec.commandLine().getErr().print("  Warning: no matching devices found\n\n");
            spec.commandLine().getErr().flush();
        }
        return 0;
    }
}
