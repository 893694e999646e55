package dev.cxld.daemon.handoff;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cxld.daemon.control.PrivateMemoryControl;
import dev.cxld.daemon.policy.PrivateMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * How a handoff's memory was made private, as attach answers it and as the state file keeps it, so
 * that release (even after a restart) undoes exactly what attach did.
 *
 * @param dax the region's dax device, null when it has none
 * @param device its character device, which the holder maps ({@code /dev/daxX.Y})
 * @param size its size
 * @param align the size and alignment every mapping of it must have
 * @param driverBefore the dax driver it had before attach ({@code kmem}, {@code device_dax}), null when unbound
 * @param offlined the memory blocks attach offlined, with the zone each was online in
 * @param systemRam whether any of the range is online as System RAM now: false after attach
 * @param grant the holder's access to {@code device} that attach granted, null when none was asked
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PrivateMemoryState(
        String dax,
        String device,
        Long size,
        Long align,
        @JsonProperty("driver_before") String driverBefore,
        List<Offlined> offlined,
        @JsonProperty("system_ram") boolean systemRam,
        Grant grant) {

    public PrivateMemoryState {
        offlined = offlined == null ? List.of() : List.copyOf(offlined);
    }

    /**
     * The holder's uid made owner of the character device (read-write) for the handoff, and how
     * the node was before ({@code mode_before}: permission bits), which release puts back.
     */
    public record Grant(long uid, @JsonProperty("uid_before") long uidBefore, @JsonProperty("gid_before") long gidBefore,
            @JsonProperty("mode_before") int modeBefore) {}

    PrivateMemoryState granted(Grant g) {
        return new PrivateMemoryState(dax, device, size, align, driverBefore, offlined, systemRam, g);
    }

    /** A memory block attach took offline, and the zone it was online in. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Offlined(String block, String zone) {}

    static PrivateMemoryState of(PrivateMemoryControl.Made made) {
        List<Offlined> offlined = new ArrayList<>();
        for (PrivateMemory.Step s : made.done()) {
            if (s instanceof PrivateMemory.Offline o) {
                offlined.add(new Offlined(o.block(), o.zone()));
            }
        }
        if (made.dax() == null) {
            return new PrivateMemoryState(null, null, null, null, null, offlined, false, null);
        }
        return new PrivateMemoryState(made.dax().device(), made.node().toString(), made.dax().size(), made.dax().align(),
                made.dax().driver(), offlined, false, null);
    }

    /** The steps attach took, in its order (PrivateMemory.plan's): what release undoes. */
    List<PrivateMemory.Step> done() {
        List<PrivateMemory.Step> steps = new ArrayList<>();
        for (Offlined o : offlined) {
            steps.add(new PrivateMemory.Offline(o.block(), o.zone()));
        }
        if (dax != null && PrivateMemory.KMEM.equals(driverBefore)) {
            steps.add(new PrivateMemory.Unbind(PrivateMemory.KMEM, dax));
        }
        if (dax != null && !PrivateMemory.DEVICE_DAX.equals(driverBefore)) {
            steps.add(new PrivateMemory.Bind(PrivateMemory.DEVICE_DAX, dax));
        }
        return steps;
    }
}
