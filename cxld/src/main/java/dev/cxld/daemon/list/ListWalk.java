package dev.cxld.daemon.list;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.PortKind;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;

/**
 * {@code cxl list} over a snapshot: the walk of ndctl's cxl/filter.c {@code cxl_filter_walk()}
 * (buses, then each bus's decoders with their regions, then its port tree with endpoints, memdevs
 * and decoders), the same filters, nesting ({@code "ports:root0"}, {@code "decoders:port1"}, ...)
 * and top-level containers. Objects are in kernel id order; ndctl's order follows sysfs readdir.
 * Pure: no IO.
 */
public final class ListWalk {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TopologyIndex ix;
    private final ListParams p;
    private final ListJson json;
    private final MemdevFilter mf;

    private final ArrayNode anonMemdevs = F.arrayNode();
    private final ArrayNode buses = F.arrayNode();
    private final ArrayNode ports = F.arrayNode();
    private final ArrayNode endpoints = F.arrayNode();
    private final ArrayNode memdevs = F.arrayNode();
    private final ArrayNode busDecoders = F.arrayNode();
    private final ArrayNode portDecoders = F.arrayNode();
    private final ArrayNode endpointDecoders = F.arrayNode();
    private final ArrayNode regions = F.arrayNode();

    private ListWalk(Topology topology, ListParams resolved) {
        this.ix = new TopologyIndex(topology);
        this.p = resolved;
        this.json = new ListJson(ix, resolved.human());
        this.mf = new MemdevFilter(topology.memdevs(), resolved.memdevFilter(), resolved.serialFilter());
    }

    /**
     * Lists {@code topology} as {@code cxl list} would with {@code params}: a JSON array, or with
     * {@code -u} and exactly one element, that element.
     */
    public static JsonNode list(Topology topology, ListParams params) {
        ListParams resolved = params.resolve();
        return new ListWalk(topology, resolved).walk();
    }

    private JsonNode walk() {
        for (Memdev m : ix.topology.memdevs()) {
            if (mf.matches(m) && !m.enabled() && p.idle() && p.memdevs()) {
                anonMemdevs.add(json.memdev(m));
            }
        }
        for (Port bus : ix.buses()) {
            walkBus(bus);
        }
        ArrayNode[] arrays = {anonMemdevs, buses, ports, endpoints, memdevs, busDecoders, portDecoders,
            endpointDecoders, regions};
        String[] names = {"anon memdevs", "buses", "ports", "endpoints", "memdevs", "root decoders",
            "port decoders", "endpoint decoders", "regions"};
        int kinds = 0;
        for (ArrayNode a : arrays) {
            kinds += a.isEmpty() ? 0 : 1;
        }
        ArrayNode platform = F.arrayNode();
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i].isEmpty()) {
                continue;
            }
            if (kinds > 1) {
                platform.addObject().set(names[i], arrays[i]);
            } else {
                platform.addAll(arrays[i]);
            }
        }
        if (p.human() && platform.size() == 1) {
            return platform.get(0);
        }
        return platform;
    }

    private void walkBus(Port bus) {
        if (!mf.any(m -> m.endpoint() != null && ix.bus(ix.port(m.endpoint())) == bus)) {
            return;
        }
        ObjectNode jbus = null;
        Children c = Children.NONE;
        if (Idents.bus(bus, p.busFilter()) && Idents.port(ix, bus, p.portFilter(), p.single()) && p.buses()) {
            jbus = json.bus(bus);
            json.dports(jbus, bus, mf, p.targets());
            buses.add(jbus);
            c = new Children(p, true);
        }
        walkDecoders(bus, pick(c.decoders, busDecoders), pick(c.regions, regions));
        if (p.endpoints() || p.memdevs() || p.decoders()) {
            walkEndpoints(bus, pick(c.endpoints, endpoints), pick(c.memdevs, memdevs),
                    pick(c.decoders, endpointDecoders));
        }
        walkChildPorts(bus, pick(c.ports, ports), pick(c.decoders, portDecoders),
                pick(c.endpoints, endpoints), pick(c.decoders, endpointDecoders), pick(c.memdevs, memdevs));
        c.nestInto(jbus, bus.port());
    }

    private void walkChildPorts(Port parent, ArrayNode jports, ArrayNode jportDecoders, ArrayNode jeps,
            ArrayNode jepDecoders, ArrayNode jdevs) {
        for (Port port : ix.childPorts(parent)) {
            if (!mf.any(m -> ix.hostsMemdev(port, m))) {
                continue;
            }
            ObjectNode jport = null;
            Children c = Children.NONE;
            if (Idents.port(ix, port, p.portFilter(), p.single()) && Idents.bus(ix.bus(port), p.busFilter())) {
                if (!p.idle() && !port.enabled()) {
                    continue;
                }
                if (p.ports()) {
                    jport = json.port(port, "port");
                    json.dports(jport, port, mf, p.targets());
                    jports.add(jport);
                    c = new Children(p, false);
                }
            }
            if (p.endpoints() || p.memdevs() || p.decoders()) {
                walkEndpoints(port, pick(c.endpoints, jeps), pick(c.memdevs, jdevs), pick(c.decoders, jepDecoders));
            }
            walkDecoders(port, pick(c.decoders, jportDecoders), null);
            walkChildPorts(port, pick(c.ports, jports), pick(c.decoders, jportDecoders),
                    pick(c.endpoints, jeps), pick(c.decoders, jepDecoders), pick(c.memdevs, jdevs));
            c.nestInto(jport, port.port());
        }
    }

    private void walkEndpoints(Port parent, ArrayNode jeps, ArrayNode jdevs, ArrayNode jdecoders) {
        for (Port ep : ix.endpoints(parent)) {
            if (!Idents.endpoint(ep, p.endpointFilter())
                    || !Idents.bus(ix.bus(ep), p.busFilter())
                    || !endpointByPort(ep)
                    || !mf.any(m -> ep.port().equals(m.endpoint()))
                    || (!p.idle() && !ep.enabled())) {
                continue;
            }
            ObjectNode jep = null;
            if (p.endpoints()) {
                jep = json.port(ep, "endpoint");
                jeps.add(jep);
            }
            if (p.memdevs()) {
                Memdev m = ix.memdevOf(ep);
                if (m == null || !mf.matches(m) || !memdevByDecoder(m) || !memdevByPort(m)
                        || (!p.idle() && !m.enabled())) {
                    continue;
                }
                if (p.endpoints()) {
                    jep.set("memdev", json.memdev(m));
                } else {
                    jdevs.add(json.memdev(m));
                }
            }
            if (!p.decoders()) {
                continue;
            }
            ArrayNode childDecoders = p.endpoints() ? F.arrayNode() : null;
            walkDecoders(ep, pick(childDecoders, jdecoders), null);
            nest(jep, "decoders:" + ep.port(), childDecoders);
        }
    }

    private void walkDecoders(Port port, ArrayNode jdecoders, ArrayNode jregions) {
        for (Decoder d : ix.decoders(port)) {
            ObjectNode jdecoder = null;
            ArrayNode childRegions = null;
            boolean selected = p.decoders()
                    && Idents.decoder(ix, d, p.decoderFilter())
                    && Idents.bus(ix.bus(port), p.busFilter())
                    && Idents.port(ix, port, p.portFilter(), p.single())
                    && mf.any(m -> ix.decoderMapsMemdev(d, m))
                    && decoderByRegion(d);
            if (selected) {
                if (!p.idle() && (d.size() == null || d.size() == 0)) {
                    continue;
                }
                jdecoder = json.decoder(d);
                json.targets(jdecoder, d, mf, p.targets());
                childRegions = p.regions() ? F.arrayNode() : null;
                jdecoders.add(jdecoder);
            }
            if (!p.regions() || port.kind() != PortKind.ROOT) {
                continue;
            }
            walkRegions(d, pick(childRegions, jregions));
            nest(jdecoder, "regions:" + d.decoder(), childRegions);
        }
    }

    private void walkRegions(Decoder root, ArrayNode jregions) {
        if (jregions == null) {
            return;
        }
        Port rootPort = ix.port(root.port());
        for (Region r : ix.regions(root)) {
            if (!Idents.region(r, p.regionFilter())
                    || !Idents.bus(ix.bus(rootPort), p.busFilter())
                    || !Idents.port(ix, rootPort, p.portFilter(), false)
                    || !Idents.decoder(ix, root, p.decoderFilter())
                    || (!p.idle() && !r.enabled())) {
                continue;
            }
            jregions.add(json.region(r, p.targets()));
        }
    }

    /** ndctl: the endpoint itself matches the port filter alone, or its parent matches it by mode. */
    private boolean endpointByPort(Port ep) {
        if (p.portFilter() == null) {
            return true;
        }
        if (Idents.port(ix, ep, p.portFilter(), true)) {
            return true;
        }
        Port parent = ix.parent(ep);
        return parent != null && Idents.port(ix, parent, p.portFilter(), p.single());
    }

    /** -d on memdevs: some decoder the filter names maps the memdev. */
    private boolean memdevByDecoder(Memdev m) {
        if (p.decoderFilter() == null) {
            return true;
        }
        return ix.topology.decoders().stream()
                .anyMatch(d -> Idents.decoder(ix, d, p.decoderFilter()) && ix.decoderMapsMemdev(d, m));
    }

    /** -b/-p on memdevs: some port the filter names (alone) has a dport on the memdev's route. */
    private boolean memdevByPort(Memdev m) {
        if (p.busFilter() == null && p.portFilter() == null) {
            return true;
        }
        for (Port port : ix.topology.ports()) {
            boolean byBus = port.kind() == PortKind.ROOT && p.busFilter() != null && Idents.bus(port, p.busFilter());
            boolean byPort = p.portFilter() != null && Idents.portSelf(port, p.portFilter());
            if ((byBus || byPort) && port.dports().stream().anyMatch(d -> ix.dportMapsMemdev(port, d, m))) {
                return true;
            }
        }
        return false;
    }

    /** -r on decoders: a root decoder with a matching region, or a decoder in a matching region. */
    private boolean decoderByRegion(Decoder d) {
        if (p.regionFilter() == null) {
            return true;
        }
        if (ix.regions(d).stream().anyMatch(r -> Idents.region(r, p.regionFilter()))) {
            return true;
        }
        return d.region() != null && ix.topology.region(d.region()).map(r -> Idents.region(r, p.regionFilter())).orElse(false);
    }

    /**
     * The arrays a listed bus or port collects its descendants in, one per kind being listed
     * ({@code null} otherwise); nested under it as {@code "ports:port1"} and so on, when not empty.
     */
    private static final class Children {
        static final Children NONE = new Children(null, false);

        final ArrayNode ports;
        final ArrayNode endpoints;
        final ArrayNode memdevs;
        final ArrayNode decoders;
        final ArrayNode regions;

        Children(ListParams p, boolean withRegions) {
            ports = p != null && p.ports() ? F.arrayNode() : null;
            endpoints = p != null && p.endpoints() ? F.arrayNode() : null;
            memdevs = p != null && p.memdevs() ? F.arrayNode() : null;
            decoders = p != null && p.decoders() ? F.arrayNode() : null;
            regions = p != null && withRegions && p.regions() ? F.arrayNode() : null;
        }

        void nestInto(ObjectNode parent, String name) {
            nest(parent, "ports:" + name, ports);
            nest(parent, "endpoints:" + name, endpoints);
            nest(parent, "decoders:" + name, decoders);
            nest(parent, "regions:" + name, regions);
            nest(parent, "memdevs:" + name, memdevs);
        }
    }

    private static ArrayNode pick(ArrayNode child, ArrayNode container) {
        return child != null ? child : container;
    }

    private static void nest(ObjectNode parent, String key, ArrayNode children) {
        if (parent != null && children != null && !children.isEmpty()) {
            parent.set(key, children);
        }
    }
}
