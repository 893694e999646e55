package dev.cxld.daemon.metrics;

import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.DecoderKind;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Topology;

/**
 * Memdev capacity of one partition type ({@code ram} or {@code pmem}): in all, the DPA endpoint
 * decoders give to regions (committed or not), and the rest. What status, the metrics and the node
 * features all report.
 */
public record Capacity(long total, long inRegions) {
    public long free() {
        return Math.max(0, total - inRegions);
    }

    public static Capacity of(Topology t, String type) {
        long total = 0;
        for (Memdev m : t.memdevs()) {
            Long size = type.equals("ram") ? m.ramSize() : m.pmemSize();
            total += size == null ? 0 : size;
        }
        long inRegions = 0;
        for (Decoder d : t.decoders()) {
            if (d.kind() == DecoderKind.ENDPOINT && d.region() != null && type.equals(d.mode()) && d.dpaSize() != null) {
                inRegions += d.dpaSize();
            }
        }
        return new Capacity(total, inRegions);
    }
}
