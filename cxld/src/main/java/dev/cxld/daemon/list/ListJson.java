package dev.cxld.daemon.list;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.DecoderKind;
import dev.cxld.protocol.model.Dport;
import dev.cxld.protocol.model.Mapping;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.Region;
import java.math.BigInteger;
import java.util.List;

/**
 * One JSON object per CXL object, with the key names, key order, omission rules and value formats
 * of ndctl's cxl/json.c (the contract in shared/docs/ndctl-contract.md §3.5). Beyond ndctl: an
 * object whose attributes could not be read carries {@code "errors"}, a list of "file: reason".
 */
final class ListJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final long ALL_ONES = -1L;

    private final TopologyIndex ix;
    private final boolean human;

    ListJson(TopologyIndex ix, boolean human) {
        this.ix = ix;
        this.human = human;
    }

    ObjectNode memdev(Memdev m) {
        ObjectNode o = F.objectNode();
        o.put("memdev", m.memdev());
        if (m.pmemSize() != null && m.pmemSize() != 0) {
            size(o, "pmem_size", m.pmemSize());
        }
        if (m.pmemQosClass() != null) {
            o.put("pmem_qos_class", m.pmemQosClass());
        }
        if (m.ramSize() != null && m.ramSize() != 0) {
            size(o, "ram_size", m.ramSize());
        }
        if (m.ramQosClass() != null) {
            o.put("ram_qos_class", m.ramQosClass());
        }
        if (m.serial() != null) {
            hex(o, "serial", m.serial());
        }
        if (m.numaNode() != null && m.numaNode() >= 0) {
            o.put("numa_node", m.numaNode());
        }
        o.put("host", m.host());
        if (m.firmwareVersion() != null) {
            o.put("firmware_version", m.firmwareVersion());
        }
        if (!m.enabled()) {
            o.put("state", "disabled");
        }
        errors(o, m.errors());
        return o;
    }

    ObjectNode bus(Port root) {
        ObjectNode o = F.objectNode();
        o.put("bus", root.port());
        o.put("provider", Idents.provider(root));
        errors(o, root.errors());
        return o;
    }

    ObjectNode port(Port p, String nameKey) {
        ObjectNode o = F.objectNode();
        o.put(nameKey, p.port());
        o.put("host", p.host());
        if (p.depth() > 1 && p.parentDport() != null) {
            o.put("parent_dport", p.parentDport());
        }
        o.put("depth", p.depth());
        if (!p.enabled()) {
            o.put("state", "disabled");
        }
        if (p.decodersCommitted() != null) {
            o.put("decoders_committed", p.decodersCommitted());
        }
        errors(o, p.errors());
        return o;
    }

    /** {@code nr_dports} and, with {@code -T}, the dports (those on a filtered memdev's route). */
    void dports(ObjectNode o, Port p, MemdevFilter filter, boolean targets) {
        if (!targets) {
            return;
        }
        o.put("nr_dports", p.dports().size());
        ArrayNode a = o.putArray("dports");
        for (Dport d : p.dports()) {
            if (!filter.any(m -> ix.dportMapsMemdev(p, d, m))) {
                continue;
            }
            ObjectNode j = a.addObject();
            j.put("dport", d.dport());
            if (d.alias() != null) {
                j.put("alias", d.alias());
            }
            hex(j, "id", d.id());
        }
    }

    ObjectNode decoder(Decoder d) {
        ObjectNode o = F.objectNode();
        o.put("decoder", d.decoder());
        long size = d.size() == null ? 0 : d.size();
        if (size != 0 && d.start() != null) {
            hex(o, "resource", d.start());
        }
        if (size != 0) {
            size(o, "size", size);
        }
        if (d.interleaveWays() != null) {
            o.put("interleave_ways", d.interleaveWays());
            if (d.interleaveWays() > 1 && d.interleaveGranularity() != null) {
                o.put("interleave_granularity", d.interleaveGranularity());
            }
        }
        if (d.region() != null) {
            o.put("region", d.region());
        }
        if (size == 0) {
            o.put("state", "disabled");
        }
        if (d.kind() == DecoderKind.ENDPOINT) {
            if (d.dpaResource() != null && d.dpaResource() != ALL_ONES && d.dpaSize() != null && d.dpaSize() != 0) {
                hex(o, "dpa_resource", d.dpaResource());
            }
            if (d.dpaSize() != null && d.dpaSize() != 0) {
                size(o, "dpa_size", d.dpaSize());
            }
            if (d.mode() != null && !d.mode().equals("none")) {
                o.put("mode", d.mode());
            }
        }
        if (d.kind() == DecoderKind.ROOT) {
            boolean type3 = Boolean.TRUE.equals(d.capType3());
            boolean type2 = Boolean.TRUE.equals(d.capType2());
            if (type3 || type2) {
                Long extent = maxAvailableExtent(d);
                if (extent != null) {
                    size(o, "max_available_extent", extent);
                }
            }
            if (type3 && Boolean.TRUE.equals(d.capPmem())) {
                o.put("pmem_capable", true);
            }
            if (type3 && Boolean.TRUE.equals(d.capRam())) {
                o.put("volatile_capable", true);
            }
            if (type2) {
                o.put("accelmem_capable", true);
            }
            if (d.qosClass() != null) {
                o.put("qos_class", d.qosClass());
            }
        }
        errors(o, d.errors());
        return o;
    }

    /** {@code nr_targets} for root and switch decoders and, with {@code -T}, the targets. */
    void targets(ObjectNode o, Decoder d, MemdevFilter filter, boolean targets) {
        if (d.kind() == DecoderKind.ENDPOINT || d.targets() == null) {
            return;
        }
        o.put("nr_targets", d.targets().size());
        if (!targets || d.targets().isEmpty()) {
            return;
        }
        Port port = ix.port(d.port());
        ArrayNode a = o.putArray("targets");
        List<Long> ids = d.targets();
        for (int pos = 0; pos < ids.size(); pos++) {
            Dport dport = port == null ? null : TopologyIndex.dport(port, ids.get(pos));
            if (dport == null || !filter.any(m -> ix.dportMapsMemdev(port, dport, m))) {
                continue;
            }
            ObjectNode t = a.addObject();
            t.put("target", dport.dport());
            if (dport.alias() != null) {
                t.put("alias", dport.alias());
            }
            t.put("position", pos);
            hex(t, "id", dport.id());
        }
    }

    ObjectNode region(Region r, boolean targets) {
        ObjectNode o = F.objectNode();
        o.put("region", r.region());
        if (r.resource() != null && r.resource() != ALL_ONES) {
            hex(o, "resource", r.resource());
        }
        if (r.size() != null) {
            size(o, "size", r.size());
        }
        if (r.extendedLinearCacheSize() != null && r.extendedLinearCacheSize() != 0) {
            size(o, "extended_linear_cache_size", r.extendedLinearCacheSize());
        }
        if (r.type() != null) {
            o.put("type", r.type());
        }
        if (r.interleaveWays() != null) {
            o.put("interleave_ways", r.interleaveWays());
        }
        if (r.interleaveGranularity() != null) {
            o.put("interleave_granularity", r.interleaveGranularity());
        }
        o.put("decode_state", Boolean.TRUE.equals(r.committed()) ? "commit" : "reset");
        if (!r.enabled()) {
            o.put("state", "disabled");
        }
        if (r.locked() != null) {
            o.put("locked", r.locked());
        }
        if (targets) {
            ArrayNode a = o.putArray("mappings");
            for (Mapping m : r.mappings()) {
                ObjectNode j = a.addObject();
                j.put("position", m.position());
                if (m.memdev() != null) {
                    j.put("memdev", m.memdev());
                }
                j.put("decoder", m.decoder());
            }
        }
        if (qosClassMismatch(r)) {
            o.put("qos_class_mismatch", true);
        }
        errors(o, r.errors());
        return o;
    }

    /**
     * The largest free HPA gap of a root decoder's window. Unlike ndctl, which counts only committed
     * regions, every region that holds HPA counts: the kernel will not hand out a sized but
     * uncommitted region's range either. {@code null} when the window's start is not known.
     */
    Long maxAvailableExtent(Decoder root) {
        if (root.start() == null || root.size() == null) {
            return null;
        }
        BigInteger prevEnd = u(root.start());
        BigInteger max = BigInteger.ZERO;
        for (Region r : ix.regions(root)) {
            if (r.resource() == null || r.resource() == ALL_ONES || r.size() == null || r.size() == 0) {
                continue;
            }
            BigInteger start = u(r.resource());
            max = max.max(start.subtract(prevEnd));
            prevEnd = start.add(u(r.size()));
        }
        max = max.max(u(root.start()).add(u(root.size())).subtract(prevEnd));
        return max.signum() < 0 ? 0L : max.longValue();
    }

    private boolean qosClassMismatch(Region r) {
        Decoder root = ix.topology.decoder(r.rootDecoder()).orElse(null);
        if (root == null || root.qosClass() == null) {
            return false;
        }
        for (Mapping m : r.mappings()) {
            Memdev md = m.memdev() == null ? null : ix.topology.memdev(m.memdev()).orElse(null);
            if (md == null) {
                continue;
            }
            Integer q = "pmem".equals(r.type()) ? md.pmemQosClass() : md.ramQosClass();
            if (q != null && !q.equals(root.qosClass())) {
                return true;
            }
        }
        return false;
    }

    private void size(ObjectNode o, String key, long bytes) {
        String h = human ? HumanFormat.size(bytes) : null;
        if (h != null) {
            o.put(key, h);
        } else if (bytes < 0) {
            o.put(key, u(bytes));
        } else {
            o.put(key, bytes);
        }
    }

    private void hex(ObjectNode o, String key, long value) {
        if (human) {
            o.put(key, HumanFormat.hex(value));
        } else if (value < 0) {
            o.put(key, u(value));
        } else {
            o.put(key, value);
        }
    }

    private static void errors(ObjectNode o, List<String> errors) {
        if (!errors.isEmpty()) {
            ArrayNode a = o.putArray("errors");
            errors.forEach(a::add);
        }
    }

    private static BigInteger u(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }
}
