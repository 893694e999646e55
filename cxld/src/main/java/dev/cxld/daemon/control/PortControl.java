package dev.cxld.daemon.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.model.Dport;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.PortKind;
import dev.cxld.protocol.model.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * enable-port, disable-port and disable-bus, the way ndctl's {@code cxl} does them (cxl/port.c,
 * cxl/bus.c, libcxl's {@code cxl_port_enable}, {@code cxl_port_disable_invalidate},
 * {@code cxl_bus_disable_invalidate}): bind or unbind the {@code cxl_port} driver of a host
 * bridge, switch or endpoint port; unbind a root's platform device from its driver. Disabling
 * takes every memdev below down with it, so a port or bus with an enabled memdev below is
 * refused unless forced, as ndctl refuses it; a memdev that guards a handoff refuses it even then.
 */
public final class PortControl {
    private static final String DRIVER = "cxl_port";

    private final SysfsAttributes sysfs;
    private final Snapshots snapshots;
    private final MemdevControl.Guard guard;

    public PortControl(SysfsAttributes sysfs, Snapshots snapshots, MemdevControl.Guard guard) {
        this.sysfs = sysfs;
        this.snapshots = snapshots;
        this.guard = guard;
    }

    /**
     * Binds {@code ident}'s port (with {@code endpoint}, an endpoint port's) and, with
     * {@code memdevs}, then enables every disabled memdev below it, as {@code cxl enable-port -m}.
     */
    public ObjectNode enable(String ident, boolean endpoint, boolean memdevs) {
        Topology t = snapshots.fresh().topology();
        Port p = find(t, ident, endpoint);
        boolean changed = false;
        if (!p.enabled()) {
            sysfs.bind(DRIVER, p.port(), "enable " + p.port());
            changed = true;
            Port now = snapshots.fresh().topology().port(p.port()).orElse(null);
            if (now == null || !now.enabled()) {
                throw new Refusal(ErrorCode.KERNEL_ERROR, p.port() + ": failed to enable: the kernel accepted the write to "
                        + sysfs.driver(DRIVER, "bind") + " but the port is "
                        + (now == null ? "gone" : "still disabled"));
            }
        }
        ObjectNode o = result(p.port(), true, changed);
        if (memdevs) {
            ArrayNode enabled = o.putArray("memdevs_enabled");
            for (Memdev m : below(snapshots.fresh().topology(), p)) {
                if (!m.enabled()) {
                    // as ndctl: each memdev is tried, and one that does not come up is not an error of the port
                    sysfs.tryWrite(sysfs.driver("cxl_mem", "bind"), m.memdev())
                            .ifPresentOrElse(e -> o.withArray("memdev_errors").add(m.memdev() + ": " + e),
                                    () -> enabled.add(m.memdev()));
                }
            }
            snapshots.fresh();
        }
        return o;
    }

    /** Unbinds {@code ident}'s port; refused while an enabled memdev is below it, unless forced. */
    public ObjectNode disable(String ident, boolean endpoint, boolean force) {
        Topology t = snapshots.fresh().topology();
        Port p = find(t, ident, endpoint);
        if (p.kind() == PortKind.ROOT) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, p.port() + ": can not be disabled through this interface"
                    + " (a root is disabled with disable-bus)");
        }
        if (!p.enabled()) {
            return result(p.port(), false, false);
        }
        List<Memdev> active = below(t, p).stream().filter(Memdev::enabled).collect(Collectors.toList());
        try (Claims claims = claim(active, "disable-port " + p.port())) {
            if (!active.isEmpty() && !force) {
                throw activeRefusal(p.port(), active);
            }
            sysfs.unbind(DRIVER, p.port(), "disable " + p.port());
        }
        Port now = snapshots.fresh().topology().port(p.port()).orElse(null);
        if (now != null && now.enabled()) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, p.port() + ": failed to disable: the kernel accepted the write to "
                    + sysfs.driver(DRIVER, "unbind") + " but the port is still enabled");
        }
        return result(p.port(), false, true);
    }

    /**
     * Unbinds the platform device of root {@code ident} ({@code root0}, {@code 0}, or its provider
     * such as {@code cxl_test} or {@code ACPI.CXL}) from its driver, which takes the whole CXL
     * topology under it away; refused while an enabled memdev is below, unless forced.
     */
    public ObjectNode disableBus(String ident, boolean force) {
        Topology t = snapshots.fresh().topology();
        Port root = findBus(t, ident);
        List<Memdev> active = below(t, root).stream().filter(Memdev::enabled).collect(Collectors.toList());
        try (Claims claims = claim(active, "disable-bus " + root.port())) {
            if (!active.isEmpty() && !force) {
                throw activeRefusal(root.port(), active);
            }
            sysfs.unbindUport(root.port(), "disable " + root.port());
        }
        boolean gone = snapshots.fresh().topology().port(root.port()).isEmpty();
        if (!gone) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, root.port() + ": failed to disable: its platform device "
                    + root.host() + " was unbound but the root is still there");
        }
        ObjectNode o = result(root.port(), false, true);
        o.put("bus", root.port());
        o.remove("port");
        return o;
    }

    private static Refusal activeRefusal(String port, List<Memdev> active) {
        int n = active.size();
        return new Refusal(ErrorCode.IN_USE, port + " hosts " + n + " memdev" + (n > 1 ? "s" : "") + " which "
                + (n > 1 ? "are" : "is") + " part of an active region ("
                + active.stream().map(Memdev::memdev).collect(Collectors.joining(", "))
                + "); see 'cxl list -M -p " + port + "'; force to disable anyway");
    }

    /**
     * The memdevs below {@code p}: an endpoint port's own memdev; for other ports the memdevs whose
     * endpoint descends from {@code p}, and those without an endpoint (disabled) whose device sits
     * below {@code p}'s own device or one of its downstream ports.
     */
    List<Memdev> below(Topology t, Port p) {
        List<Memdev> out = new ArrayList<>();
        for (Memdev m : t.memdevs()) {
            if (p.kind() == PortKind.ENDPOINT ? p.port().equals(m.endpoint()) || p.host().equals(m.memdev())
                    : descends(t, m.endpoint(), p.port()) || (m.endpoint() == null && underDport(m, p))) {
                out.add(m);
            }
        }
        return out;
    }

    private boolean underDport(Memdev m, Port p) {
        if (p.kind() == PortKind.ROOT) {
            return true; // one root per bus here: every memdev without an endpoint is under it, or under none
        }
        Optional<String> path = sysfs.devicePath(m.memdev());
        // below the port's own device (its uport: the host bridge, the switch's upstream port), or
        // one of its downstream ports; a disabled host bridge port has lost its dports
        return path.isPresent() && ((p.host() != null && path.get().contains("/" + p.host() + "/"))
                || p.dports().stream().map(Dport::dport).anyMatch(d -> path.get().contains("/" + d + "/")));
    }

    private static boolean descends(Topology t, String port, String ancestor) {
        String at = port;
        for (int guard = 0; at != null && guard < 64; guard++) {
            if (at.equals(ancestor)) {
                return true;
            }
            at = t.port(at).map(Port::parent).orElse(null);
        }
        return false;
    }

    /**
     * The port {@code ident} names, as ndctl's port filter reads it: its name, its number alone, or
     * its host device; with {@code endpoint}, an endpoint port (its name, number, or memdev).
     * NOT_FOUND says which ports there are.
     */
    static Port find(Topology t, String ident, boolean endpoint) {
        String want = ident.matches("\\d+") ? (endpoint ? "endpoint" : "port") + ident : ident;
        return t.ports().stream()
                .filter(p -> (p.kind() == PortKind.ENDPOINT) == endpoint)
                .filter(p -> p.port().equals(want) || (p.host() != null && p.host().equals(ident)))
                .findFirst()
                .orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, (endpoint ? "endpoint: " : "port: ") + ident
                        + " not found; this host has " + t.ports().stream()
                                .filter(p -> (p.kind() == PortKind.ENDPOINT) == endpoint)
                                .map(Port::port).collect(Collectors.joining(", "))));
    }

    /** The root {@code ident} names: {@code rootN}, {@code N}, its host device or provider. */
    static Port findBus(Topology t, String ident) {
        String want = ident.matches("\\d+") ? "root" + ident : ident;
        return t.ports().stream()
                .filter(p -> p.kind() == PortKind.ROOT)
                .filter(p -> p.port().equals(want) || ident.equals(p.host()) || ident.equals(p.provider()))
                .findFirst()
                .orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "bus: " + ident + " not found; this host has "
                        + t.ports().stream().filter(p -> p.kind() == PortKind.ROOT)
                                .map(p -> p.port() + " (" + p.provider() + ")").collect(Collectors.joining(", "))));
    }

    private static ObjectNode result(String port, boolean enabled, boolean changed) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("port", port);
        o.put("enabled", enabled);
        o.put("changed", changed);
        return o;
    }

    /** The guard's claims on every memdev a port change takes away, closed together. */
    private static final class Claims implements AutoCloseable {
        private final java.util.Deque<MemdevControl.Guard.Claim> held = new java.util.ArrayDeque<>();

        @Override
        public void close() {
            while (!held.isEmpty()) {
                held.pop().close();
            }
        }
    }

    /** Claims each of {@code memdevs} for {@code operation}; on a refusal, the claims made so far are let go. */
    private Claims claim(List<Memdev> memdevs, String operation) {
        Claims c = new Claims();
        try {
            for (Memdev m : memdevs) {
                c.held.push(guard.claim(m.memdev(), operation));
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
