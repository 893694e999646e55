package dev.cxld.daemon.policy;

import dev.cxld.protocol.model.DaxDevice;
import dev.cxld.protocol.model.MemoryBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * What it takes to make a region's address range private memory, as daxctl's
 * {@code reconfigure-device --mode=devdax} does it and as the kernel's accelerator attach gets for
 * free ({@code cxl_region_probe()} skips the dax/kmem path, shared/docs/kernel-abi.md §7.3 item 7,
 * §7.6): offline every memory block of the range that is online, unbind {@code kmem} from the
 * region's dax device, bind {@code device_dax}. Each step has its inverse, so what was done can be
 * undone in reverse (on failure part way, and on release). Pure.
 */
public final class PrivateMemory {
    private PrivateMemory() {}

    public static final String KMEM = "kmem";
    public static final String DEVICE_DAX = "device_dax";

    /** One sysfs step; {@link #undo()} is the step that reverses it. */
    public sealed interface Step permits Offline, Online, Bind, Unbind {
        Step undo();
    }

    /** Write {@code offline} to {@code memoryN/state}; undone by onlining it the way it was. */
    public record Offline(String block, String zone) implements Step {
        @Override
        public Step undo() {
            return new Online(block, "Movable".equals(zone) ? "online_movable" : "Normal".equals(zone) ? "online_kernel"
                    : "online");
        }
    }

    /** Write {@code how} ({@code online}, {@code online_movable}, {@code online_kernel}) to {@code memoryN/state}. */
    public record Online(String block, String how) implements Step {
        @Override
        public Step undo() {
            return new Offline(block, null);
        }
    }

    /** Bind {@code device} to dax driver {@code driver}. */
    public record Bind(String driver, String device) implements Step {
        @Override
        public Step undo() {
            return new Unbind(driver, device);
        }
    }

    /** Unbind {@code device} from dax driver {@code driver}. */
    public record Unbind(String driver, String device) implements Step {
        @Override
        public Step undo() {
            return new Bind(driver, device);
        }
    }

    /** The outcome: steps to run (none when already private), or why it cannot be done. */
    public sealed interface Plan permits Steps, Refused {}

    /** Run these in order; {@code dax} is the device the holder maps ({@code null}: the region has none). */
    public record Steps(DaxDevice dax, List<Step> steps) implements Plan {
        public Steps {
            steps = List.copyOf(steps);
        }
    }

    public record Refused(String message) implements Plan {}

    /**
     * The plan for {@code region}'s range [start, end], given its dax device ({@code null} when
     * the region has none) and the memory blocks that hold any byte of the range.
     */
    public static Plan plan(String region, DaxDevice dax, List<MemoryBlock> blocks) {
        List<MemoryBlock> online = blocks.stream().filter(MemoryBlock::online).toList();
        if (dax == null) {
            if (!online.isEmpty()) {
                return new Refused(region + "'s range is online as System RAM (" + names(online) + ") but not through"
                        + " a dax device of the region: cxld cannot take it back; offline it first");
            }
            return new Steps(null, List.of());
        }
        String driver = dax.driver();
        if (DEVICE_DAX.equals(driver)) {
            if (!online.isEmpty()) {
                return new Refused(dax.device() + " is bound to device_dax, yet " + names(online)
                        + " of its range are online as System RAM: something else onlined them; offline them first");
            }
            return new Steps(dax, List.of());
        }
        if (driver != null && !KMEM.equals(driver)) {
            return new Refused(dax.device() + " is bound to " + driver + ", which cxld does not know how to release;"
                    + " unbind it first");
        }
        List<Step> steps = new ArrayList<>();
        for (MemoryBlock b : online) {
            steps.add(new Offline(b.block(), b.zone()));
        }
        if (KMEM.equals(driver)) {
            steps.add(new Unbind(KMEM, dax.device()));
        }
        steps.add(new Bind(DEVICE_DAX, dax.device()));
        return new Steps(dax, steps);
    }

    /** The steps that undo {@code done} (in the order they were done), in reverse. */
    public static List<Step> undo(List<Step> done) {
        List<Step> out = new ArrayList<>();
        for (int i = done.size() - 1; i >= 0; i--) {
            out.add(done.get(i).undo());
        }
        return out;
    }

    private static String names(List<MemoryBlock> blocks) {
        return String.join(", ", blocks.stream().map(MemoryBlock::block).toList());
    }
}
