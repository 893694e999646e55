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

    private static final long PARTITION_UNIT = 256L << 20;

    /**
     * set-partition, as ndctl's {@code cxl set-partition} decides it ({@code validate_partition}):
     * of the capacity that is neither volatile- nor persistent-only, {@code size} bytes (null: all)
     * go to {@code type} ({@code ram}/{@code volatile} or {@code pmem}); the volatile size that
     * makes is aligned to the device's partition alignment when {@code align}, else must be
     * aligned. Set Partition Info takes effect at the next reset ("next" in the answer).
     */
    public ObjectNode setPartition(String memdev, String type, Long size, boolean align) {
        boolean pmem;
        if (type == null || type.equals("pmem")) {
            pmem = true;
        } else if (type.equals("ram") || type.equals("volatile")) {
            pmem = false;
        } else {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "invalid type '" + type + "' (pmem, ram or volatile)");
        }
        return mailboxes.with(memdev, mb -> {
            Mailbox.Answer id = mb.call(CommandId.IDENTIFY, NONE);
            if (!(id instanceof Mailbox.Data d)) {
                throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": Identify failed: " + ((Mailbox.Unsupported) id).reason());
            }
            Le p = new Le(d.bytes());
            long total = java.util.Objects.requireNonNullElse(p.u64(0x10), 0L);
            long volatileOnly = java.util.Objects.requireNonNullElse(p.u64(0x18), 0L);
            long persistentOnly = java.util.Objects.requireNonNullElse(p.u64(0x20), 0L);
            long alignment = java.util.Objects.requireNonNullElse(p.u64(0x28), 0L) * PARTITION_UNIT;
            if (alignment == 0) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, memdev + ": no available capacity: the device has no"
                        + " partitionable capacity (partition alignment 0)");
            }
            long available = (total - volatileOnly - persistentOnly) * PARTITION_UNIT;
            long volatileSize;
            if (size == null) {
                volatileSize = pmem ? 0 : available;
            } else {
                if (size < 0 || size > available) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, memdev + ": " + size + " exceeds available capacity "
                            + available);
                }
                volatileSize = pmem ? available - size : size;
            }
            if (volatileSize % alignment != 0) {
                if (!align) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, memdev + ": size " + volatileSize
                            + " is not partition aligned " + alignment + " (--align rounds it)");
                }
                volatileSize = pmem ? volatileSize / alignment * alignment
                        : (volatileSize + alignment - 1) / alignment * alignment;
                if (volatileSize > available) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, memdev + ": aligned partition size " + volatileSize
                            + " exceeds available size " + available);
                }
            }
            byte[] in = new byte[0x0a];
            long units = volatileSize / PARTITION_UNIT;
            le32(in, 0, (int) units);
            le32(in, 4, (int) (units >>> 32));
            Mailbox.Answer a = mb.call(CommandId.SET_PARTITION_INFO, in);
            if (a instanceof Mailbox.Unsupported u) {
                throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": Set Partition Info: " + u.reason());
            }
            ObjectNode o = F.objectNode().put("memdev", memdev).put("volatile_size", volatileSize);
            Mailbox.Answer part = mb.call(CommandId.GET_PARTITION_INFO, NONE);
            if (part instanceof Mailbox.Data pd) {
                o.set("partition_info", Decoders.partitionInfo(pd.bytes()));
            }
            return o;
        });
    }

    /** One warning threshold of set-alert-config: on with a threshold, or off. */
    public record Alert(boolean on, int threshold) {}

    /**
     * set-alert-config (Set Alert Configuration): each of life used, over temperature, under
     * temperature, corrected volatile and corrected persistent errors may be turned on with a
     * programmable warning threshold, or off; null leaves it as it is. The thresholds are checked
     * as ndctl checks them.
     */
    public ObjectNode setAlertConfig(String memdev, Alert lifeUsed, Alert overTemp, Alert underTemp, Alert volatileErrors,
            Alert pmemErrors) {
        Alert[] alerts = {lifeUsed, overTemp, underTemp, volatileErrors, pmemErrors};
        String[] names = {"life used", "device over temperature", "device under temperature",
            "corrected volatile mem error", "corrected pmem error"};
        int valid = 0;
        int enable = 0;
        for (int i = 0; i < alerts.length; i++) {
            Alert a = alerts[i];
            if (a == null) {
                continue;
            }
            if (a.on()) {
                int t = a.threshold();
                boolean ok = i == 0 ? t >= 0 && t <= 100 : i <= 2 ? t >= Short.MIN_VALUE && t <= Short.MAX_VALUE
                        : t >= 0 && t <= 0xFFFF;
                if (!ok) {
                    throw new Refusal(ErrorCode.INVALID_ARGUMENT, "Invalid " + names[i] + " threshold: " + t);
                }
                enable |= 1 << i;
            }
            valid |= 1 << i;
        }
        if (valid == 0) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "No action specified");
        }
        byte[] in = new byte[0x0c];
        in[0] = (byte) valid;
        in[1] = (byte) enable;
        if (lifeUsed != null && lifeUsed.on()) {
            in[2] = (byte) lifeUsed.threshold();
        }
        int[] offsets = {0, 4, 6, 8, 10};
        for (int i = 1; i < alerts.length; i++) {
            if (alerts[i] != null && alerts[i].on()) {
                in[offsets[i]] = (byte) alerts[i].threshold();
                in[offsets[i] + 1] = (byte) (alerts[i].threshold() >> 8);
            }
        }
        return mailboxes.with(memdev, mb -> {
            Mailbox.Answer a = mb.call(CommandId.SET_ALERT_CONFIG, in);
            if (a instanceof Mailbox.Unsupported u) {
                throw new Refusal(ErrorCode.UNAVAILABLE, memdev + ": Set Alert Configuration: " + u.reason());
            }
            ObjectNode o = F.objectNode().put("memdev", memdev);
            Mailbox.Answer now = mb.call(CommandId.GET_ALERT_CONFIG, NONE);
            if (now instanceof Mailbox.Data d) {
                o.set("alert_config", Decoders.alertConfig(d.bytes()));
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
        long size = lsaSize(memdev);
        // a device without a label area reads as empty, as ndctl's read-labels has it (0 bytes, success)
        byte[] data = size == 0 && offset == 0 && (length == null || length == 0) ? new byte[0]
                : readLabels(memdev, offset, length, size);
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
        if (size == 0 && offset == 0 && n == 0) {
            return F.objectNode().put("memdev", memdev).put("offset", 0).put("length", 0);
        }
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
