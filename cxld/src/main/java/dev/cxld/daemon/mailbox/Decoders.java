package dev.cxld.daemon.mailbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mailbox output payloads decoded into JSON objects with named fields (byte offsets from the CXL
 * spec tables in shared/docs/kernel-abi.md §6). Capacities are in bytes (the device counts
 * 256 MiB units). A field the payload is too short to hold is left out. Pure.
 */
public final class Decoders {
    static final long CAPACITY_UNIT = 256L << 20;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final String CEL_UUID = "0da9c0b5-bf41-4b78-8f79-96b1623b3f17";
    static final String VENDOR_DEBUG_UUID = "5e1819d9-11a9-400c-811f-d60719403d86";

    private Decoders() {}

    private static void put(ObjectNode o, String k, Long v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    private static void put(ObjectNode o, String k, Integer v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    private static void capacity(ObjectNode o, String k, Long units) {
        if (units != null) {
            o.put(k, units * CAPACITY_UNIT);
        }
    }

    /** Identify Memory Device (0x4000). */
    public static ObjectNode identify(byte[] payload) {
        Le p = new Le(payload);
        ObjectNode o = F.objectNode();
        String fw = p.text(0, 16);
        if (fw != null) {
            o.put("fw_revision", fw);
        }
        capacity(o, "total_capacity", p.u64(0x10));
        capacity(o, "volatile_only_capacity", p.u64(0x18));
        capacity(o, "persistent_only_capacity", p.u64(0x20));
        capacity(o, "partition_alignment", p.u64(0x28));
        put(o, "info_event_log_size", p.u16(0x30));
        put(o, "warning_event_log_size", p.u16(0x32));
        put(o, "failure_event_log_size", p.u16(0x34));
        put(o, "fatal_event_log_size", p.u16(0x36));
        put(o, "lsa_size", p.u32(0x38));
        put(o, "poison_list_max_mer", p.u24(0x3C));
        put(o, "inject_poison_limit", p.u16(0x3F));
        Integer caps = p.u8(0x41);
        if (caps != null) {
            ObjectNode c = o.putObject("poison_caps");
            c.put("injects_persistent_poison", (caps & 1) != 0);
            c.put("scan_media", (caps & 2) != 0);
        }
        Integer qos = p.u8(0x42);
        if (qos != null) {
            ObjectNode q = o.putObject("qos_telemetry_caps");
            q.put("egress_port_congestion", (qos & 1) != 0);
            q.put("temporary_throughput_reduction", (qos & 2) != 0);
        }
        return o;
    }

    /** Get Partition Info (0x4100). */
    public static ObjectNode partitionInfo(byte[] payload) {
        Le p = new Le(payload);
        ObjectNode o = F.objectNode();
        capacity(o, "active_volatile_capacity", p.u64(0));
        capacity(o, "active_persistent_capacity", p.u64(8));
        capacity(o, "next_volatile_capacity", p.u64(0x10));
        capacity(o, "next_persistent_capacity", p.u64(0x18));
        return o;
    }

    /** ndctl's {@code partition_info} object of {@code cxl list -I}, from Identify and (when partitionable) Get Partition Info. */
    public static ObjectNode ndctlPartitionInfo(byte[] identify, byte[] partition) {
        Le id = new Le(identify);
        ObjectNode o = F.objectNode();
        capacity(o, "total_size", id.u64(0x10));
        capacity(o, "volatile_only_size", id.u64(0x18));
        capacity(o, "persistent_only_size", id.u64(0x20));
        Long align = id.u64(0x28);
        capacity(o, "partition_alignment_size", align);
        if (align != null && align != 0 && partition != null) {
            Le p = new Le(partition);
            capacity(o, "active_volatile_size", p.u64(0));
            capacity(o, "active_persistent_size", p.u64(8));
            capacity(o, "next_volatile_size", p.u64(0x10));
            capacity(o, "next_persistent_size", p.u64(0x18));
        }
        return o;
    }

    private static final String[] MEDIA = {"media_normal", "media_not_ready", "media_persistence_lost",
        "media_data_lost", "media_powerloss_persistence_loss", "media_shutdown_persistence_loss",
        "media_persistence_loss_imminent", "media_powerloss_data_loss", "media_shutdown_data_loss",
        "media_data_loss_imminent"};

    /**
     * Get Health Info (0x4200), with ndctl's key names ({@code cxl list -H}). Values the device
     * marks as not implemented (life used 0xff, temperature 0xffff) are left out.
     */
    public static ObjectNode health(byte[] payload) {
        Le p = new Le(payload);
        ObjectNode o = F.objectNode();
        Integer status = p.u8(0);
        if (status != null) {
            o.put("maintenance_needed", (status & 1) != 0);
            o.put("performance_degraded", (status & 2) != 0);
            o.put("hw_replacement_needed", (status & 4) != 0);
        }
        Integer media = p.u8(1);
        if (media != null) {
            for (int i = 0; i < MEDIA.length; i++) {
                o.put(MEDIA[i], media == i);
            }
        }
        Integer ext = p.u8(2);
        if (ext != null) {
            String[] levels = {"normal", "warning", "critical", "unknown"};
            o.put("ext_life_used", levels[ext & 3]);
            o.put("ext_temperature", levels[(ext >> 2) & 3]);
            o.put("ext_corrected_volatile", (ext & 0x10) != 0 ? "warning" : "normal");
            o.put("ext_corrected_persistent", (ext & 0x20) != 0 ? "warning" : "normal");
        }
        Integer life = p.u8(3);
        if (life != null && life != 0xff) {
            o.put("life_used_percent", life);
        }
        Integer temp = p.u16(4);
        if (temp != null && temp != 0xffff) {
            o.put("temperature", (short) (int) temp);
        }
        put(o, "dirty_shutdowns", p.u32(6));
        put(o, "volatile_errors", p.u32(0xA));
        put(o, "pmem_errors", p.u32(0xE));
        return o;
    }

    private static final String[] ALERTS = {"life_used", "dev_over_temperature", "dev_under_temperature",
        "corrected_volatile_mem_err", "corrected_pmem_err"};

    /** Get Alert Configuration (0x4201), with ndctl's key names ({@code cxl list -A}). */
    public static ObjectNode alertConfig(byte[] payload) {
        Le p = new Le(payload);
        ObjectNode o = F.objectNode();
        Integer valid = p.u8(0);
        Integer writable = p.u8(1);
        if (valid != null) {
            for (int i = 0; i < ALERTS.length; i++) {
                o.put(ALERTS[i] + "_prog_warn_threshold_valid", (valid & (1 << i)) != 0);
            }
        }
        if (writable != null) {
            for (int i = 0; i < ALERTS.length; i++) {
                o.put(ALERTS[i] + "_prog_warn_threshold_writable", (writable & (1 << i)) != 0);
            }
        }
        put(o, "life_used_crit_alert_threshold", p.u8(2));
        put(o, "life_used_prog_warn_threshold", p.u8(3));
        put(o, "dev_over_temperature_crit_alert_threshold", p.s16(4));
        put(o, "dev_under_temperature_crit_alert_threshold", p.s16(6));
        put(o, "dev_over_temperature_prog_warn_threshold", p.s16(8));
        put(o, "dev_under_temperature_prog_warn_threshold", p.s16(0xA));
        put(o, "corrected_volatile_mem_err_prog_warn_threshold", p.u16(0xC));
        put(o, "corrected_pmem_err_prog_warn_threshold", p.u16(0xE));
        return o;
    }

    /** Get FW Info (0x0200), with ndctl's key names ({@code cxl list -F}, without the loader state). */
    public static ObjectNode firmware(byte[] payload) {
        Le p = new Le(payload);
        ObjectNode o = F.objectNode();
        Integer slots = p.u8(0);
        Integer info = p.u8(1);
        Integer cap = p.u8(2);
        put(o, "num_slots", slots);
        if (info != null) {
            int active = info & 7;
            int staged = (info >> 3) & 7;
            o.put("active_slot", active);
            if (slots != null && staged >= 1 && staged <= slots) {
                o.put("staged_slot", staged);
            }
        }
        if (cap != null) {
            o.put("online_activate_capable", (cap & 1) != 0);
        }
        for (int i = 1; i <= 4 && slots != null && i <= slots; i++) {
            String v = p.text(0x10 * i, 16);
            if (v != null && !v.isEmpty()) {
                o.put("slot_" + i + "_version", v);
            }
        }
        return o;
    }

    /** Get Supported Logs (0x0400): each log's UUID, a name when known, and its size. */
    public static ObjectNode supportedLogs(byte[] payload) {
        Le p = new Le(payload);
        ObjectNode o = F.objectNode();
        Integer n = p.u16(0);
        ArrayNode logs = o.putArray("logs");
        for (int i = 0; n != null && i < n; i++) {
            int off = 8 + 0x14 * i;
            if (!p.has(off, 0x14)) {
                break;
            }
            ObjectNode l = logs.addObject();
            String uuid = p.uuid(off);
            l.put("uuid", uuid);
            l.put("name", CEL_UUID.equals(uuid) ? "Command Effects Log"
                    : VENDOR_DEBUG_UUID.equals(uuid) ? "Vendor Debug Log" : "unknown");
            l.put("size", p.u32(off + 16));
        }
        return o;
    }

    private static final String[] EFFECTS = {"config_change_cold_reset", "config_change_immediate",
        "data_change_immediate", "policy_change_immediate", "log_change_immediate", "security_change",
        "background_operation", "secondary_mailbox_supported"};

    /** The Command Effects Log (Get Log of the CEL UUID): each opcode and its effects. */
    public static ObjectNode commandEffectsLog(byte[] log) {
        Le p = new Le(log);
        ObjectNode o = F.objectNode();
        ArrayNode entries = o.putArray("commands");
        for (int off = 0; p.has(off, 4); off += 4) {
            ObjectNode e = entries.addObject();
            int opcode = p.u16(off);
            int effect = p.u16(off + 2);
            e.put("opcode", String.format("%#06x", opcode));
            e.put("name", Opcodes.name(opcode));
            ArrayNode fx = e.putArray("effects");
            for (int b = 0; b < EFFECTS.length; b++) {
                if ((effect & (1 << b)) != 0) {
                    fx.add(EFFECTS[b]);
                }
            }
        }
        return o;
    }

    /** Get Timestamp (0x0300): nanoseconds since the Unix epoch, and the same as RFC 3339. */
    public static ObjectNode timestamp(byte[] payload) {
        Le p = new Le(payload);
        ObjectNode o = F.objectNode();
        Long ns = p.u64(0);
        if (ns != null) {
            o.put("timestamp_ns", ns);
            o.put("time", java.time.Instant.ofEpochSecond(Long.divideUnsigned(ns, 1_000_000_000L),
                    Long.remainderUnsigned(ns, 1_000_000_000L)).toString());
        }
        return o;
    }

    /** Get Shutdown State (0x4203): bit 0, the dirty shutdown flag. */
    public static ObjectNode shutdownState(byte[] payload) {
        Le p = new Le(payload);
        ObjectNode o = F.objectNode();
        Integer s = p.u8(0);
        if (s != null) {
            o.put("dirty", (s & 1) != 0);
        }
        return o;
    }
}
