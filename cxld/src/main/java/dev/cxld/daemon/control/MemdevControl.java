package dev.cxld.daemon.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.util.List;
import java.util.stream.Collectors;

/**
 * enable-memdev and disable-memdev, the way ndctl's {@code cxl enable-memdev}/{@code disable-memdev}
 * do them: bind or unbind the {@code cxl_mem} driver. Disabling a memdev that decodes a committed
 * region tears the region down, so it is refused unless forced.
 */
public final class MemdevControl {
    private static final String DRIVER = "cxl_mem";

    private final SysfsAttributes sysfs;
    private final Snapshots snapshots;
    private final Guard guard;

    /**
     * The handoffs, as changing operations see them: {@link #claim} refuses (LOCKED) an operation on
     * a memdev or region that guards a live handoff, and otherwise keeps it from being handed off
     * (BUSY) until the claim is closed, so that no attach slips in between the check and the
     * change (a destroy-region racing an attach-region would tear down a region just handed off).
     */
    @FunctionalInterface
    public interface Guard {
        Claim claim(String name, String operation);

        /** Held while a change is made; closed once it is done (or failed). */
        @FunctionalInterface
        interface Claim extends AutoCloseable {
            @Override
            void close();
        }
    }

    public MemdevControl(SysfsAttributes sysfs, Snapshots snapshots, Guard guard) {
        this.sysfs = sysfs;
        this.snapshots = snapshots;
        this.guard = guard;
    }

    public ObjectNode enable(String name) {
        Memdev m = find(snapshots.fresh().topology(), name);
        if (m.enabled()) {
            return result(m, false);
        }
        sysfs.bind(DRIVER, name, "enable " + name);
        return result(after(name, true), true);
    }

    public ObjectNode disable(String name, boolean force) {
        Topology t = snapshots.fresh().topology();
        Memdev m = find(t, name);
        if (!m.enabled()) {
            return result(m, false);
        }
        try (Guard.Claim claim = guard.claim(name, "disable-memdev")) {
            return disable(t, m, name, force);
        }
    }

    private ObjectNode disable(Topology t, Memdev m, String name, boolean force) {
        Integer committed = m.endpoint() == null ? null
                : t.port(m.endpoint()).map(Port::decodersCommitted).orElse(null);
        List<String> regions = t.regions().stream()
                .filter(r -> Boolean.TRUE.equals(r.committed()))
                .filter(r -> r.mappings().stream().anyMatch(x -> name.equals(x.memdev())))
                .map(Region::region)
                .collect(Collectors.toList());
        if (!force && (!regions.isEmpty() || (committed != null && committed > 0))) {
            throw new Refusal(ErrorCode.IN_USE, name + " is part of an active region"
                    + (regions.isEmpty() ? "" : " (" + String.join(", ", regions) + ")")
                    + ": its endpoint " + m.endpoint() + " has " + committed
                    + " committed decoder(s); disabling it tears the region down; force to do it anyway");
        }
        sysfs.unbind(DRIVER, name, "disable " + name);
        return result(after(name, false), true);
    }

    private Memdev after(String name, boolean enabled) {
        Memdev m = find(snapshots.fresh().topology(), name);
        if (m.enabled() != enabled) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, name + ": the kernel accepted the write to "
                    + sysfs.driver(DRIVER, enabled ? "bind" : "unbind") + " but the memdev is still "
                    + (m.enabled() ? "enabled" : "disabled"));
        }
        return m;
    }

    /** The memdev named {@code name}, or NOT_FOUND listing the memdevs this host has. */
    public static Memdev find(Topology t, String name) {
        return t.memdev(name).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, "memdev " + name
                + " not found; this host has " + (t.memdevs().isEmpty() ? "no memdevs"
                        : t.memdevs().stream().map(Memdev::memdev).collect(Collectors.joining(", ")))));
    }

    private static ObjectNode result(Memdev m, boolean changed) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("memdev", m.memdev());
        o.put("enabled", m.enabled());
        o.put("changed", changed);
        return o;
    }
}
