package dev.cxld.daemon.policy;

import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.DecoderKind;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The accelerator attach policy of the kernel's {@code cxl_memdev_attach_region()}
 * (shared/docs/kernel-abi.md §7.3), as a pure function of a topology snapshot: walk the memdev's
 * endpoint decoders in order; the first one that has a region decides; that region must be
 * committed and have exactly one target, and must not be handed off already. Then its host
 * physical address range is what a holder gets. No IO; every refusal names the region and the rule.
 */
public final class AttachPolicy {
    private AttachPolicy() {}

    /** Why a memdev's region cannot be handed off. */
    public enum Rule {
        /** No such memdev. */
        UNKNOWN_MEMDEV,
        /** The memdev's cxl_mem driver is not bound, so it has no endpoint and no decoders. */
        NOT_BOUND,
        /** None of its endpoint decoders has a region. */
        NO_REGION,
        /** The first region is not committed (or has no address range yet). */
        NOT_COMMITTED,
        /** The first region has more than one target: its memory is interleaved with other devices. */
        INTERLEAVED,
        /** The first region is handed off to someone already. */
        ALREADY_HANDED_OFF
    }

    /** The outcome: a region to hand off, or a refusal. */
    public sealed interface Decision permits Attachable, Refused {}

    /**
     * The region {@code memdev} may hand off, through endpoint decoder {@code decoder}; the range is
     * {@code [start, end]}, end inclusive as in the kernel's struct range.
     */
    public record Attachable(String memdev, String decoder, Region region, long start, long end) implements Decision {
        public long size() {
            return end - start + 1;
        }
    }

    /** A refusal: the rule, the region it is about (null when there is none), and why, in words. */
    public record Refused(Rule rule, String region, String message) implements Decision {}

    /**
     * Decides for {@code memdev} in {@code t}; {@code handedOff} holds the regions already handed
     * off (by cxld, or locked for an accelerator by the kernel).
     */
    public static Decision decide(Topology t, String memdev, Set<String> handedOff) {
        Optional<Memdev> found = t.memdev(memdev);
        if (found.isEmpty()) {
            return new Refused(Rule.UNKNOWN_MEMDEV, null, "memdev " + memdev + " not found; this host has "
                    + (t.memdevs().isEmpty() ? "no memdevs" : t.memdevs().stream().map(Memdev::memdev)
                            .collect(Collectors.joining(", "))));
        }
        Memdev m = found.get();
        if (!m.enabled() || m.endpoint() == null) {
            return new Refused(Rule.NOT_BOUND, null, memdev + " is not enabled (its cxl_mem driver is not bound), so it has"
                    + " no endpoint decoders; enable it first");
        }
        List<Decoder> decoders = endpointDecoders(t, m.endpoint());
        Optional<Decoder> first = decoders.stream().filter(d -> d.region() != null).findFirst();
        if (first.isEmpty()) {
            return new Refused(Rule.NO_REGION, null, memdev + " has no region: none of the " + decoders.size()
                    + " endpoint decoders of " + m.endpoint() + " is attached to one");
        }
        Decoder d = first.get();
        Region r = t.region(d.region()).orElse(null);
        if (r == null) {
            return new Refused(Rule.NO_REGION, d.region(), memdev + ": " + d.decoder() + " names region " + d.region()
                    + ", which is not on the CXL bus (it is being torn down)");
        }
        String which = r.region() + " (the first region of " + memdev + ", through " + d.decoder() + ")";
        if (!Boolean.TRUE.equals(r.committed()) || r.resource() == null || r.size() == null || r.size() <= 0
                || r.resource() < 0) {
            return new Refused(Rule.NOT_COMMITTED, r.region(), which + " is not committed: only a committed region's"
                    + " address range can be handed off");
        }
        int targets = r.mappings().size();
        if (targets != 1 || (r.interleaveWays() != null && r.interleaveWays() != 1)) {
            return new Refused(Rule.INTERLEAVED, r.region(), which + " is interleaved across " + Math.max(targets,
                    r.interleaveWays() == null ? 0 : r.interleaveWays()) + " targets: only a region with exactly one"
                    + " target can be handed off");
        }
        if (handedOff.contains(r.region())) {
            return new Refused(Rule.ALREADY_HANDED_OFF, r.region(), which + " is already handed off");
        }
        return new Attachable(memdev, d.decoder(), r, r.resource(), r.resource() + r.size() - 1);
    }

    /** The endpoint decoders of {@code endpoint}, in instance order (decoderX.0, X.1, ...). */
    static List<Decoder> endpointDecoders(Topology t, String endpoint) {
        String id = endpoint.substring("endpoint".length());
        return t.decoders().stream()
                .filter(d -> d.kind() == DecoderKind.ENDPOINT && d.port().equals(endpoint))
                .filter(d -> d.decoder().startsWith("decoder" + id + "."))
                .sorted(Comparator.comparingLong(Decoder::instance))
                .collect(Collectors.toList());
    }
}
