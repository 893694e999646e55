package dev.cxld.daemon.policy;

import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Topology;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The accelerator policy at probe time, as the kernel's {@code cxl_mem_probe()} runs
 * {@code cxl_memdev_attach_region()} for a memdev that has an attach method
 * (shared/docs/kernel-abi.md §7.1, §7.3): which configured accelerator a memdev is, and what to do
 * for it in a snapshot. Pure.
 */
public final class ProbePolicy {
    private ProbePolicy() {}

    /** What to do for a designated memdev that has no handoff. */
    public sealed interface Step permits Attach, Create, Degraded, Wait {}

    /** Hand off this region now. */
    public record Attach(AttachPolicy.Attachable region) implements Step {}

    /** The memdev has no region and the accelerator asks for one: create it, then hand it off. */
    public record Create() implements Step {}

    /** A region stands in the way (interleaved, not committed) or there is none: reported, not attached. */
    public record Degraded(AttachPolicy.Rule rule, String region, String reason) implements Step {}

    /** The memdev is not up (not enabled, no endpoint, a region being torn down): nothing to do yet. */
    public record Wait(String reason) implements Step {}

    /**
     * The accelerator {@code m} is, if any: rules naming a serial are more specific than rules
     * naming only a PCI id and win over them; among equals, the first declared.
     */
    public static Optional<AcceleratorRule> ruleFor(List<AcceleratorRule> rules, Memdev m,
            Function<Memdev, AcceleratorRule.PciId> pciOf) {
        // the PCI id is read only when a rule asks for it
        AcceleratorRule.PciId pci = rules.stream().anyMatch(r -> r.pci() != null) ? pciOf.apply(m) : null;
        return rules.stream().filter(r -> r.serial() != null && r.matches(m.serial(), pci)).findFirst()
                .or(() -> rules.stream().filter(r -> r.serial() == null && r.matches(m.serial(), pci)).findFirst());
    }

    /**
     * What to do for designated memdev {@code memdev} of accelerator {@code rule} in {@code t},
     * {@code handedOff} being the regions handed off already.
     */
    public static Step decide(AcceleratorRule rule, Topology t, String memdev, Set<String> handedOff) {
        AttachPolicy.Decision d = AttachPolicy.decide(t, memdev, handedOff);
        if (d instanceof AttachPolicy.Attachable a) {
            return new Attach(a);
        }
        AttachPolicy.Refused r = (AttachPolicy.Refused) d;
        switch (r.rule()) {
            case UNKNOWN_MEMDEV:
            case NOT_BOUND:
                return new Wait(r.message());
            case NO_REGION:
                if (r.region() != null) {
                    return new Wait(r.message()); // its decoder names a region on its way out
                }
                return rule.createRegion() ? new Create() : new Degraded(r.rule(), null, r.message()
                        + ", and accelerator " + rule.name() + " (" + rule.source() + ") does not create one"
                        + " (create-region = no)");
            default: // NOT_COMMITTED, INTERLEAVED, ALREADY_HANDED_OFF
                return new Degraded(r.rule(), r.region(), r.message());
        }
    }
}
