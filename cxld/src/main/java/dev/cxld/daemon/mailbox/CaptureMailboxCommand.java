package dev.cxld.daemon.mailbox;

import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlSysfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cxld capture-mailbox MEMDEV DIR}: the raw output payloads of the read-only mailbox
 * commands, one file each ({@code IDENTIFY.bin}, ...), plus {@code results.txt} saying what each
 * command gave (bytes, unsupported, or an error). For decoder fixtures and bug reports.
 */
@Command(name = "capture-mailbox", mixinStandardHelpOptions = true,
        description = "Save the raw responses of the read-only mailbox commands of MEMDEV into DIR (one .bin file"
                + " each, and results.txt), for bug reports and decoder tests. Needs access to /dev/cxl/MEMDEV.")
public final class CaptureMailboxCommand implements Callable<Integer> {
    @Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "/sys", description = "sysfs (default: ${DEFAULT-VALUE})")
    Path sysfsRoot;

    @Option(names = "--dev-root", paramLabel = "DIR", defaultValue = "/dev", description = "device nodes (default: ${DEFAULT-VALUE})")
    Path devRoot;

    @Parameters(index = "0", paramLabel = "MEMDEV")
    String memdev;

    @Parameters(index = "1", paramLabel = "DIR")
    Path out;

    static final CommandId[] READ_ONLY = {CommandId.IDENTIFY, CommandId.GET_PARTITION_INFO, CommandId.GET_HEALTH_INFO,
        CommandId.GET_ALERT_CONFIG, CommandId.GET_FW_INFO, CommandId.GET_SUPPORTED_LOGS, CommandId.GET_TIMESTAMP,
        CommandId.GET_SHUTDOWN_STATE};

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        Snapshots snapshots = new Snapshots(new CxlSysfs(sysfsRoot), Clock.systemUTC(), new EventBus(Clock.systemUTC()));
        List<String> results = new ArrayList<>();
        new MailboxService(devRoot, snapshots).with(memdev, mb -> {
            for (CommandId c : READ_ONLY) {
                try {
                    Mailbox.Answer a = mb.call(c, new byte[0]);
                    if (a instanceof Mailbox.Data d) {
                        Files.write(out.resolve(c.name() + ".bin"), d.bytes());
                        results.add(c.name() + " " + d.bytes().length + " bytes");
                    } else {
                        results.add(c.name() + " unsupported: " + ((Mailbox.Unsupported) a).reason());
                    }
                } catch (dev.cxld.daemon.control.Refusal | java.io.IOException e) {
                    results.add(c.name() + " error: " + e.getMessage());
                }
            }
            try {
                byte[] logs = Files.exists(out.resolve("GET_SUPPORTED_LOGS.bin"))
                        ? Files.readAllBytes(out.resolve("GET_SUPPORTED_LOGS.bin")) : new byte[0];
                for (var log : Decoders.supportedLogs(logs).get("logs")) {
                    if (Decoders.CEL_UUID.equals(log.get("uuid").asText())) {
                        byte[] in = new byte[0x18];
                        System.arraycopy(MemdevCommands.uuidBytes(Decoders.CEL_UUID), 0, in, 0, 16);
                        MemdevCommands.le32(in, 0x14, (int) Math.min(log.get("size").asLong(), mb.payloadMax()));
                        if (mb.call(CommandId.GET_LOG, in) instanceof Mailbox.Data d) {
                            Files.write(out.resolve("CEL.bin"), d.bytes());
                            results.add("GET_LOG(CEL) " + d.bytes().length + " bytes");
                        }
                    }
                }
            } catch (java.io.IOException e) {
                results.add("GET_LOG(CEL) error: " + e.getMessage());
            }
            return null;
        });
        Files.write(out.resolve("results.txt"), results);
        results.forEach(System.out::println);
        return 0;
    }
}
