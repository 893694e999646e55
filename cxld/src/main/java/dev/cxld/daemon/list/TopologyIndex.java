package dev.cxld.daemon.list;

import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.DecoderKind;
import dev.cxld.protocol.model.Dport;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.PortKind;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The relations of a snapshot that listing needs, computed once: the port tree, decoders per port,
 * regions per root decoder, and for each memdev the dport it is reached through at every port
 * above it (its route), which decides which dports, targets and decoders "map" it.
 */
final class TopologyIndex {
    final Topology topology;
    private final Map<String, Port> ports = new HashMap<>();
    private final Map<String, List<Port>> children = new HashMap<>();
    private final Map<String, List<Decoder>> decodersByPort = new HashMap<>();
    private final Map<String, List<Region>> regionsByRoot = new HashMap<>();
    private final Map<String, Memdev> memdevsByEndpoint = new HashMap<>();
    /** memdev → (port → the dport device of that port the memdev sits behind). */
    private final Map<String, Map<String, String>> routes = new HashMap<>();

    TopologyIndex(Topology topology) {
        this.topology = topology;
        for (Port p : topology.ports()) {
            ports.put(p.port(), p);
            if (p.parent() != null) {
                children.computeIfAbsent(p.parent(), k -> new ArrayList<>()).add(p);
            }
        }
        for (Decoder d : topology.decoders()) {
            decodersByPort.computeIfAbsent(d.port(), k -> new ArrayList<>()).add(d);
        }
        for (Region r : topology.regions()) {
            regionsByRoot.computeIfAbsent(r.rootDecoder(), k -> new ArrayList<>()).add(r);
        }
        // Regions under a root decoder by HPA; one without HPA (all-ones) last.
        regionsByRoot.values().forEach(l -> l.sort(Comparator.comparing(
                (Region r) -> r.resource() == null ? -1L : r.resource(), Long::compareUnsigned)));
        for (Memdev m : topology.memdevs()) {
            if (m.endpoint() == null) {
                continue;
            }
            memdevsByEndpoint.put(m.endpoint(), m);
            Map<String, String> route = new HashMap<>();
            for (Port child = ports.get(m.endpoint()); child != null && child.parent() != null;
                    child = ports.get(child.parent())) {
                route.put(child.parent(), child.parentDport());
            }
            routes.put(m.memdev(), route);
        }
    }

    List<Port> buses() {
        return topology.ports().stream().filter(p -> p.kind() == PortKind.ROOT).toList();
    }

    List<Port> childPorts(Port parent) {
        return children.getOrDefault(parent.port(), List.of()).stream()
                .filter(p -> p.kind() == PortKind.SWITCH).toList();
    }

    List<Port> endpoints(Port parent) {
        return children.getOrDefault(parent.port(), List.of()).stream()
                .filter(p -> p.kind() == PortKind.ENDPOINT).toList();
    }

    Port parent(Port p) {
        return p.parent() == null ? null : ports.get(p.parent());
    }

    Port port(String name) {
        return ports.get(name);
    }

    Port bus(Port p) {
        Port q = p;
        while (q != null && q.kind() != PortKind.ROOT) {
            q = parent(q);
        }
        return q;
    }

    List<Decoder> decoders(Port p) {
        return decodersByPort.getOrDefault(p.port(), List.of());
    }

    List<Region> regions(Decoder rootDecoder) {
        return regionsByRoot.getOrDefault(rootDecoder.decoder(), List.of());
    }

    Memdev memdevOf(Port endpoint) {
        return memdevsByEndpoint.get(endpoint.port());
    }

    /** The port is the memdev's endpoint or one of its ancestors. */
    boolean hostsMemdev(Port p, Memdev m) {
        return p.port().equals(m.endpoint()) || routes.getOrDefault(m.memdev(), Map.of()).containsKey(p.port());
    }

    /** The dport of {@code port} is on the memdev's route. */
    boolean dportMapsMemdev(Port port, Dport dport, Memdev m) {
        return Objects.equals(routes.getOrDefault(m.memdev(), Map.of()).get(port.port()), dport.dport());
    }

    /** Endpoint decoders map their own memdev; others map it when a target dport is on its route. */
    boolean decoderMapsMemdev(Decoder d, Memdev m) {
        if (d.kind() == DecoderKind.ENDPOINT) {
            return d.port().equals(m.endpoint());
        }
        Port port = ports.get(d.port());
        if (port == null || d.targets() == null) {
            return false;
        }
        for (Long id : d.targets()) {
            Dport dport = dport(port, id);
            if (dport != null && dportMapsMemdev(port, dport, m)) {
                return true;
            }
        }
        return false;
    }

    static Dport dport(Port port, long id) {
        for (Dport d : port.dports()) {
            if (d.id() == id) {
                return d;
            }
        }
        return null;
    }
}
