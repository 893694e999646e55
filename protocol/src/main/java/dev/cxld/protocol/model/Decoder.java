package dev.cxld.protocol.model;

import dev.cxld.protocol.Numbers;
import java.util.List;

/**
 * An HDM decoder {@code decoderX.Y} of port X. Root decoders are CFMWS windows; switch decoders
 * belong to host bridges and switches; endpoint decoders map a memdev's DPA.
 *
 * @param decoder device name
 * @param kind root, switch or endpoint
 * @param port the port it belongs to
 * @param start HPA base ({@code start} is root-only readable; {@code null} when not readable)
 * @param size HPA size, 0 when not programmed
 * @param interleaveWays interleave ways
 * @param interleaveGranularity interleave granularity in bytes
 * @param locked {@code locked} (the lock bit of the HDM decoder)
 * @param targetType switch and endpoint: {@code expander} or {@code accelerator}
 * @param targets root and switch: dport ids in interleave order ({@code target_list})
 * @param region switch and endpoint: the region it is part of, {@code null} when none
 * @param mode endpoint: partition of the DPA ({@code ram}, {@code pmem}, {@code none})
 * @param dpaResource endpoint: DPA base ({@code -1} bits when unallocated, as the kernel says)
 * @param dpaSize endpoint: DPA size
 * @param capRam root: may map volatile memory
 * @param capPmem root: may map persistent memory
 * @param capType2 root: may map accelerator memory
 * @param capType3 root: may map memory expanders
 * @param qosClass root: QTG id
 * @param errors attributes that could not be read, each "path: reason"
 */
public record Decoder(
        String decoder,
        DecoderKind kind,
        String port,
        Long start,
        Long size,
        Integer interleaveWays,
        Integer interleaveGranularity,
        Boolean locked,
        String targetType,
        List<Long> targets,
        String region,
        String mode,
        Long dpaResource,
        Long dpaSize,
        Boolean capRam,
        Boolean capPmem,
        Boolean capType2,
        Boolean capType3,
        Integer qosClass,
        List<String> errors) {
    public Decoder {
        targets = targets == null ? null : List.copyOf(targets);
        errors = List.copyOf(errors);
    }

    /** Y of {@code decoderX.Y}: a port's decoders are programmed and freed in this order. */
    public long instance() {
        return instanceOf(decoder);
    }

    /** Y of a decoder name {@code decoderX.Y}. */
    public static long instanceOf(String decoderName) {
        return Numbers.unsignedDecimal(decoderName.substring(decoderName.indexOf('.') + 1));
    }
}
