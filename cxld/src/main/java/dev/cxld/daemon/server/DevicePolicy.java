package dev.cxld.daemon.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reading operations that reach a device (a mailbox command, the poison list) cost device time and
 * may reveal data, so they have a policy of their own: per operation, whether anyone who can connect
 * may use it or only root and the admin group; and how many of them a user who is not an admin may
 * make a second, so one user cannot starve the admin's. Label contents and poison addresses are
 * admin-only by default. A {@code list} that asks for device details (health, partition, firmware,
 * alert configuration, media errors) is held to the policy of the operation that reads each. Pure.
 *
 * @param adminOnly the device-reading operations only root and the admin group may use
 * @param perSecond device reads a second allowed to one user who is not an admin (a burst of twice
 *     that); 0: no limit
 */
public record DevicePolicy(Set<String> adminOnly, int perSecond) {
    /** The reading operations that reach a device. */
    public static final Set<String> OPERATIONS = Set.of("mailbox-commands", "identify", "health", "partition", "fw-info",
            "alert-config", "logs", "timestamp", "shutdown-state", "labels-read", "poison");
    public static final DevicePolicy DEFAULT = new DevicePolicy(Set.of("labels-read", "poison"), 20);

    public DevicePolicy {
        adminOnly = Set.copyOf(adminOnly);
        if (!OPERATIONS.containsAll(adminOnly)) {
            throw new IllegalArgumentException("not device-reading operations: " + new TreeSet<>(adminOnly));
        }
        if (perSecond < 0) {
            throw new IllegalArgumentException("device reads a second must be 0 (no limit) or more, not " + perSecond);
        }
    }

    public boolean adminOnly(String op) {
        return adminOnly.contains(op);
    }

    /**
     * The default policy changed by {@code entries} of the form {@code OP=anyone} or {@code OP=admin}
     * (the {@code device-read} option); a bad entry is an IllegalArgumentException naming it and what
     * is allowed.
     */
    public static DevicePolicy parse(List<String> entries, int perSecond) {
        Set<String> admin = new TreeSet<>(DEFAULT.adminOnly());
        for (String e : entries) {
            String s = e.strip();
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            String op = eq < 0 ? s : s.substring(0, eq).strip();
            String who = eq < 0 ? "" : s.substring(eq + 1).strip();
            if (!OPERATIONS.contains(op)) {
                throw new IllegalArgumentException("\"" + s + "\": " + op + " is not an operation that reads a device;"
                        + " those are " + String.join(", ", new TreeSet<>(OPERATIONS)));
            }
            switch (who) {
                case "anyone" -> admin.remove(op);
                case "admin" -> admin.add(op);
                default -> throw new IllegalArgumentException("\"" + s + "\": say OP=anyone or OP=admin");
            }
        }
        return new DevicePolicy(admin, perSecond);
    }

    /** What {@code --check-config} and status show: each device-reading operation and who may use it. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String op : new TreeSet<>(OPERATIONS)) {
            m.put(op, adminOnly(op) ? "admin" : "anyone");
        }
        return m;
    }

    /** The device reads a {@code list} makes for these details, by the operation that reads each. */
    static List<String> listReads(dev.cxld.protocol.MemdevDetails d) {
        List<String> out = new ArrayList<>();
        if (d.health()) {
            out.add("health");
        }
        if (d.partition()) {
            out.add("partition");
        }
        if (d.firmware()) {
            out.add("fw-info");
        }
        if (d.alertConfig()) {
            out.add("alert-config");
        }
        if (d.mediaErrors()) {
            out.add("poison");
        }
        return out;
    }
}
