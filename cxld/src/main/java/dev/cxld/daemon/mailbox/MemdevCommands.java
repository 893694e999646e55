package dev.cxld.daemon.mailbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.control.MemdevControl;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.nativeio.MemdevDevice;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Function;

/**
 * The memdev mailbox commands cxld offers, each answered as one JSON object:
 * {@code {"memdev":"mem0","command":"Identify Command","supported":true,"identify":{...}}}, or with
 * {@code "supported":false} and a {@code "reason"} when the kernel or the device does not offer it.
 */
public final class MemdevCommands {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final byte[] NONE = new byte[0];

    private final Mailboxes mailboxes;
    private final SysfsAttributes sysfs;
    private final Snapshots snapshots;

    /** @param snapshots where label storage sizes come from */
    public MemdevCommands(Mailboxes mailboxes, SysfsAttributes sysfs, Snapshots snapshots) {
        this.mailboxes = mailboxes;
        this.sysfs = sysfs;
        this.snapshots = snapshots;
    }

    /** The kernel's command table for the memdev: every command it knows, enabled or not. */
    public ObjectNode commands(String memdev) {
        return mailboxes.with(memdev, mb -> {
            ObjectNode o = F.objectNode().put("memdev", memdev);
            ArrayNode a = o.putArray("commands");
            for (MemdevDevice.CommandInfo i : mb.commands()) {
                if (i.id() == 0) {
                    continue; // an empty (deprecated) slot
                }
                ObjectNode c = a.addObject();
                c.put("id", i.id());
                c.put("name", CommandId.name(i.id()));
                c.put("enabled", (i.flags() & 1) != 0);
                c.put("exclusive", (i.flags() & 2) != 0);
                c.put("size_in", i.sizeIn() == -1 ? "variable" : Integer.toString(i.sizeIn()));
                c.put("size_out", i.sizeOut() == -1 ? "variable" : Integer.toString(i.sizeOut()));
            }
            return o;
        });
    }

    public ObjectNode identify(String memdev) {
        return simple(memdev, CommandId.IDENTIFY, "identify", Decoders::identify);
    }

    public ObjectNode health(String memdev) {
        return simple(memdev, CommandId.GET_HEALTH_INFO, "health", Decoders::health);
    }

    public ObjectNode alertConfig(String memdev) {
        return simple(memdev, CommandId.GET_ALERT_CONFIG, "alert_config", Decoders::alertConfig);
    }

    public ObjectNode firmware(String memdev) {
        return simple(memdev, CommandId.GET_FW_INFO, "firmware", Decoders::firmware);
    }

    public ObjectNode timestamp(String memdev) {
        return simple(memdev, CommandId.GET_TIMESTAMP, "timestamp", Decoders::timestamp);
    }

    public ObjectNode shutdownState(String memdev) {
        return simple(memdev, CommandId.GET_SHUTDOWN_STATE, "shutdown_state", Decoders::shutdownState);
    }

    /** Identify and Get Partition Info together: capacities and the active and next split. */
    public ObjectNode partition(String memdev) {
        return mailboxes.with(memdev, mb -> {
            ObjectNode o = head(memdev, CommandId.GET_PARTITION_INFO);
            Mailbox.Answer id = mb.call(CommandId.IDENTIFY, NONE);
            Mailbox.Answer part = mb.call(CommandId.GET_PARTITION_INFO, NONE);
            if (id instanceof Mailbox.Data d) {
                o.set("identify", Decoders.identify(d.bytes()));
            }
            if (part instanceof Mailbox.Data d) {
                o.put("supported", true);
                o.set("partition_info", Decoders.partitionInfo(d.bytes()));
            } else {
                unsupported(o, (Mailbox.Unsupported) part);
            }
            return o;
        });
    }

    /** Get Supported Logs, and the Command Effects Log decoded when the device has one. */
    public ObjectNode logs(String memdev) {
        return mailboxes.with(memdev, mb -> {
            ObjectNode o = head(memdev, CommandId.GET_SUPPORTED_LOGS);
            Mailbox.Answer logs = mb.call(CommandId.GET_SUPPORTED_LOGS, NONE);
            if (!(logs instanceof Mailbox.Data d)) {
                return unsupported(o, (Mailbox.Unsupported) logs);
            }
            o.put("supported", true);
            ObjectNode decoded = Decoders.supportedLogs(d.bytes());
            o.set("supported_logs", decoded.get("logs"));
            for (var log : decoded.get("logs")) {
                if (Decoders.CEL_UUID.equals(log.get("uuid").asText())) {
                    byte[] cel = readLog(mb, log.get("uuid").asText(), (int) log.get("size").asLong());
                    o.set("command_effects_log", Decoders.commandEffectsLog(cel).get("commands"));
                }
            }
            return o;
        });
    }

    private static byte[] readLog(Mailbox mb, String uuid, int size) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int chunk = mb.payloadMax();
        for (int off = 0; off < size; off += chunk) {
            int n = Math.min(chunk, size - off);
            byte[] in = new byte[0x18];
            byte[] u = uuidBytes(uuid);
            System.arraycopy(u, 0, in, 0, 16);
            le32(in, 0x10, off);
            le32(in, 0x14, n);
            Mailbox.Answer a = mb.call(CommandId.GET_LOG, in);
            if (!(a instanceof Mailbox.Data d)) {
                throw new Refusal(ErrorCode.UNAVAILABLE, mb.memdev() + ": Get Log is not available: "
                        + ((Mailbox.Unsupported) a).reason());
            }
            all.write(d.bytes(), 0, Math.min(d.bytes().length, n));
        }
        return all.toByteArray();
    }

    /** labels-read: {@code length} bytes (null: to the end) from {@code offset}, base64 in {@code data}. */
    public ObjectNode labelsRead(String memdev, long offset, Long length) {
        byte[] data = readLabels(memdev, offset, length, lsaSize(memdev));
        return F.objectNode().put("memdev", memdev).put("offset", offset).put("length", data.length)
                .put("data", Base64.getEncoder().encodeToString(data));
    }

    /** labels-write: {@code data} at {@code offset}. */
    public ObjectNode labelsWrite(String memdev, long offset, byte[] data) {
        return writeLabels(memdev, offset, data, lsaSize(memdev));
    }

    /** labels-zero: {@code length} zero bytes (null: to the end) from {@code offset}. */
    public ObjectNode labelsZero(String memdev, long offset, Long length) {
        long size = lsaSize(memdev);
        long n = length != null ? length : Math.max(0, size - offset);
        if (n > Integer.MAX_VALUE) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "labels-zero: length " + n + " is too large");
        }
        return writeLabels(memdev, offset, new byte[(int) n], size);
    }

    private long lsaSize(String memdev) {
        Long size = MemdevControl.find(snapshots.fresh().topology(), memdev).labelStorageSize();
        return size == null ? 0L : size;
    }

    /**
     * Reads {@code length} bytes of the label storage area from {@code offset}, in chunks of
     * payload_max - 8 as ndctl's read-labels does.
     */
    byte[] readLabels(String memdev, long offset, Long length, long lsaSize) {
        long len = checkRange(memdev, offset, length, lsaSize);
        return mailboxes.with(memdev, mb -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int chunk = mb.payloadMax() - 8;
            for (long done = 0; done < len; done += chunk) {
                int n = (int) Math.min(chunk, len - done);
                byte[] in = new byte[8];
                le32(in, 0, (int) (offset + done));
                le32(in, 4, n);
                Mailbox.Answer a = mb.call(CommandId.GET_LSA, in);
                if (a instanceof Mailbox.Unsupported u) {
                    throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": labels cannot be read: " + u.reason());
                }
                all.write(((Mailbox.Data) a).bytes(), 0, Math.min(n, ((Mailbox.Data) a).bytes().length));
            }
            return all.toByteArray();
        });
    }

    /** Writes {@code data} into the label storage area at {@code offset}, chunked like readLabels. */
    ObjectNode writeLabels(String memdev, long offset, byte[] data, long lsaSize) {
        checkRange(memdev, offset, (long) data.length, lsaSize);
        return mailboxes.with(memdev, mb -> {
            int chunk = mb.payloadMax() - 8;
            for (int done = 0; done < data.length; done += chunk) {
                int n = Math.min(chunk, data.length - done);
                byte[] in = new byte[8 + n];
                le32(in, 0, (int) (offset + done));
                System.arraycopy(data, done, in, 8, n);
                Mailbox.Answer a = mb.call(CommandId.SET_LSA, in);
                if (a instanceof Mailbox.Unsupported u) {
                    throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": labels cannot be written: " + u.reason());
                }
            }
            return F.objectNode().put("memdev", memdev).put("offset", offset).put("length", data.length);
        });
    }

    private static long checkRange(String memdev, long offset, Long length, long lsaSize) {
        if (lsaSize <= 0) {
            throw new Refusal(ErrorCode.UNAVAILABLE, memdev + " has no label storage area (label_storage_size is 0)");
        }
        long len = length == null ? lsaSize - offset : length;
        if (offset < 0 || len < 0 || offset + len > lsaSize) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, memdev + ": offset " + offset + " and length " + len
                    + " fall outside its " + lsaSize + "-byte label storage area");
        }
        return len;
    }

    private ObjectNode simple(String memdev, CommandId c, String key, Function<byte[], ObjectNode> decode) {
        return mailboxes.with(memdev, mb -> {
            ObjectNode o = head(memdev, c);
            Mailbox.Answer a = mb.call(c, NONE);
            if (a instanceof Mailbox.Data d) {
                o.put("supported", true);
                o.set(key, decode.apply(d.bytes()));
                return o;
            }
            return unsupported(o, (Mailbox.Unsupported) a);
        });
    }

    /** The ndctl {@code cxl list} objects of one memdev for -I, -H, -F, -A (absent: not supported). */
    public ObjectNode listDetails(String memdev, boolean partition, boolean health, boolean firmware, boolean alerts) {
        return mailboxes.with(memdev, mb -> {
            ObjectNode o = F.objectNode();
            if (health && mb.call(CommandId.GET_HEALTH_INFO, NONE) instanceof Mailbox.Data d) {
                o.set("health", Decoders.health(d.bytes()));
            }
            if (alerts && mb.call(CommandId.GET_ALERT_CONFIG, NONE) instanceof Mailbox.Data d) {
                o.set("alert_config", Decoders.alertConfig(d.bytes()));
            }
            if (partition && mb.call(CommandId.IDENTIFY, NONE) instanceof Mailbox.Data id) {
                byte[] part = null;
                if (Decoders.identify(id.bytes()).path("partition_alignment").asLong() != 0
                        && mb.call(CommandId.GET_PARTITION_INFO, NONE) instanceof Mailbox.Data p) {
                    part = p.bytes();
                }
                o.set("partition_info", Decoders.ndctlPartitionInfo(id.bytes(), part));
            }
            if (firmware && mb.call(CommandId.GET_FW_INFO, NONE) instanceof Mailbox.Data d) {
                ObjectNode fw = Decoders.firmware(d.bytes());
                fwLoader(memdev, fw);
                o.set("firmware", fw);
            }
            return o;
        });
    }

    /**
     * The kernel firmware loader's state, as ndctl reports it: fw_update_in_progress (status is
     * not "idle") and, while in progress, remaining_size. Left out when the loader has no status.
     */
    private void fwLoader(String memdev, ObjectNode fw) {
        sysfs.firmwareLoader(memdev).ifPresent(l -> {
            fw.put("fw_update_in_progress", l.inProgress());
            if (l.inProgress()) {
                fw.put("remaining_size", l.remainingSize());
            }
        });
    }

    private static ObjectNode head(String memdev, CommandId c) {
        return F.objectNode().put("memdev", memdev).put("command", c.title);
    }

    private static ObjectNode unsupported(ObjectNode o, Mailbox.Unsupported u) {
        o.put("supported", false);
        o.put("reason", u.reason());
        return o;
    }

    static void le32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >> 8);
        b[off + 2] = (byte) (v >> 16);
        b[off + 3] = (byte) (v >> 24);
    }

    /** The 16 bytes of a UUID in the order the spec stores them. */
    static byte[] uuidBytes(String uuid) {
        UUID u = UUID.fromString(uuid);
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }
}
