package dev.cxld.daemon.mailbox;

import dev.cxld.daemon.errors.Refusal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw output payloads of the read-only mailbox commands of one memdev, one file each
 * ({@code IDENTIFY.bin}, ..., {@code CEL.bin}), plus {@code results.txt} saying what each command
 * gave (bytes, unsupported, or an error): for decoder fixtures and bug reports.
 */
public final class MailboxCapture {
    static final CommandId[] READ_ONLY = {CommandId.IDENTIFY, CommandId.GET_PARTITION_INFO, CommandId.GET_HEALTH_INFO,
        CommandId.GET_ALERT_CONFIG, CommandId.GET_FW_INFO, CommandId.GET_SUPPORTED_LOGS, CommandId.GET_TIMESTAMP,
        CommandId.GET_SHUTDOWN_STATE};

    private MailboxCapture() {}

    /** Captures {@code memdev}'s responses into {@code out}; returns the lines of results.txt. */
    public static List<String> capture(Mailboxes mailboxes, String memdev, Path out) throws IOException {
        Files.createDirectories(out);
        List<String> results = new ArrayList<>();
        mailboxes.with(memdev, mb -> {
            for (CommandId c : READ_ONLY) {
                try {
                    Mailbox.Answer a = mb.call(c, new byte[0]);
                    if (a instanceof Mailbox.Data d) {
                        Files.write(out.resolve(c.name() + ".bin"), d.bytes());
                        results.add(c.name() + " " + d.bytes().length + " bytes");
                    } else {
                        results.add(c.name() + " unsupported: " + ((Mailbox.Unsupported) a).reason());
                    }
                } catch (Refusal | IOException e) {
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
            } catch (IOException e) {
                results.add("GET_LOG(CEL) error: " + e.getMessage());
            }
            return null;
        });
        Files.write(out.resolve("results.txt"), results);
        return results;
    }
}
