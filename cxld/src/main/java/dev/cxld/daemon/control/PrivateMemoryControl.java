package dev.cxld.daemon.control;

import dev.cxld.daemon.errors.IoErrors;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.nativeio.DeviceNodeAccess;
import dev.cxld.daemon.policy.PrivateMemory;
import dev.cxld.daemon.sysfs.MemorySysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.model.DaxDevice;
import dev.cxld.protocol.model.MemoryBlock;
import dev.cxld.protocol.model.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a region's memory out of System RAM before it is handed off, and gives it back after,
 * by the steps {@link PrivateMemory} plans (daxctl's reconfigure-device --mode=devdax, in sysfs):
 * offline its memory blocks, unbind kmem, bind device_dax. A step the kernel refuses stops the
 * attempt; every step already taken is undone in reverse. What was done is returned so that
 * release can undo exactly that.
 */
public final class PrivateMemoryControl {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateMemoryControl.class);

    private final SysfsAttributes sysfs;
    private final MemorySysfs memory;
    private final Path devRoot;

    /** @param devRoot where the {@code daxX.Y} character devices are ({@code /dev}) */
    public PrivateMemoryControl(SysfsAttributes sysfs, MemorySysfs memory, Path devRoot) {
        this.sysfs = sysfs;
        this.memory = memory;
        this.devRoot = devRoot;
    }

    /** The private memory of a handoff: the dax device (null: none), its node, and the steps that made it so. */
    public record Made(DaxDevice dax, Path node, List<PrivateMemory.Step> done) {
        public Made {
            done = List.copyOf(done);
        }
    }

    /**
     * Makes {@code r}'s range private: afterwards no memory block of it is online and its dax
     * device (if it has one) is bound to device_dax. IN_USE when it cannot be done (memory online
     * but not through the region's dax device, a foreign driver), KERNEL_ERROR naming the file and
     * errno when the kernel refuses a step (EBUSY: pages that cannot be migrated).
     */
    public Made makePrivate(Region r) {
        long start = r.resource();
        long end = start + r.size() - 1;
        DaxDevice dax = dax(r);
        List<MemoryBlock> blocks = blocks(r, start, end);
        PrivateMemory.Plan plan = PrivateMemory.plan(r.region(), dax, blocks);
        if (plan instanceof PrivateMemory.Refused x) {
            throw new Refusal(ErrorCode.IN_USE, x.message());
        }
        List<PrivateMemory.Step> done = new ArrayList<>();
        try {
            for (PrivateMemory.Step step : ((PrivateMemory.Steps) plan).steps()) {
                run(r, step);
                done.add(step);
            }
            verify(r, start, end);
        } catch (Refusal failure) {
            List<String> undoFailures = undo(r.region(), done);
            throw failure.adding(done.isEmpty() ? "" : undoFailures.isEmpty()
                    ? "; the " + done.size() + " step(s) before it were undone"
                    : "; undoing the steps before it failed too: " + String.join("; ", undoFailures));
        }
        if (!done.isEmpty()) {
            LOG.info("{}: took {} out of System RAM ({})", r.region(), dax == null ? "its range" : dax.device(), done);
        }
        return new Made(dax, dax == null ? null : devRoot.resolve(dax.device()), done);
    }

    /**
     * Makes {@code uid} the owner of character device {@code node} with read-write access (the
     * group and other bits stay as they were); answers how the node was before, for
     * {@link #ungrant}. KERNEL_ERROR naming the node when it cannot be done.
     */
    public DeviceNodeAccess.Owner grant(Path node, long uid) {
        try {
            DeviceNodeAccess.Owner before = DeviceNodeAccess.owner(node);
            DeviceNodeAccess.set(node, new DeviceNodeAccess.Owner(uid, before.gid(), before.mode() | 0600));
            LOG.info("{}: owned by uid {} for the handoff (was uid {} gid {} mode {})", node, uid, before.uid(),
                    before.gid(), Integer.toOctalString(before.mode()));
            return before;
        } catch (IOException e) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, "cannot give uid " + uid + " access to " + node + ": "
                    + IoErrors.reason(e));
        }
    }

    /**
     * Puts {@code node} back as {@code before}; a node that is gone (its device went away with the
     * region) needs nothing. The failure, or null.
     */
    public String ungrant(Path node, DeviceNodeAccess.Owner before) {
        if (!Files.exists(node, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            DeviceNodeAccess.set(node, before);
            return null;
        } catch (IOException e) {
            String why = "cannot give " + node + " back to uid " + before.uid() + ": " + IoErrors.reason(e);
            LOG.warn(why);
            return why;
        }
    }

    /** Undoes {@code done} in reverse, as far as it can; the failures, each naming its step. */
    public List<String> undo(String region, List<PrivateMemory.Step> done) {
        List<String> failures = new ArrayList<>();
        for (PrivateMemory.Step step : PrivateMemory.undo(done)) {
            try {
                runQuietly(step);
            } catch (Refusal f) {
                failures.add(f.getMessage());
                LOG.warn("{}: undo {}: {}", region, step, f.getMessage());
            }
        }
        return failures;
    }

    private DaxDevice dax(Region r) {
        if (r.daxDevices().isEmpty()) {
            return null;
        }
        String name = r.daxDevices().get(0);
        Optional<DaxDevice> d = memory.dax(r.region(), name);
        if (d.isEmpty()) {
            throw new Refusal(ErrorCode.UNAVAILABLE, r.region() + ": its dax device " + name + " is gone");
        }
        if (!d.get().errors().isEmpty()) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, r.region() + ": cannot read its dax device " + name + ": "
                    + String.join("; ", d.get().errors()));
        }
        return d.get();
    }

    private List<MemoryBlock> blocks(Region r, long start, long end) {
        List<String> errors = new ArrayList<>();
        List<MemoryBlock> blocks = memory.blocks(start, end, errors);
        if (!errors.isEmpty()) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, r.region() + ": cannot tell whether its memory is online: "
                    + String.join("; ", errors));
        }
        return blocks;
    }

    private void run(Region r, PrivateMemory.Step step) {
        if (step instanceof PrivateMemory.Offline o) {
            try {
                sysfs.write(sysfs.memoryBlock(o.block(), "state"), "offline", "offline " + o.block() + " of " + r.region());
            } catch (Refusal f) {
                if ("EBUSY".equals(f.error().errnoName())) {
                    throw f.adding(": some of its pages cannot be migrated away now. Try again later, or have the"
                            + " region's memory come online in ZONE_MOVABLE (memhp_default_state=online_movable, or"
                            + " daxctl reconfigure-device --mode=system-ram with movable onlining) so that it can"
                            + " always be taken back");
                }
                throw f;
            }
        } else {
            runQuietly(step);
        }
    }

    /** One step, without the attach-time hints; skips an online that is already done. */
    private void runQuietly(PrivateMemory.Step step) {
        if (step instanceof PrivateMemory.Offline o) {
            sysfs.write(sysfs.memoryBlock(o.block(), "state"), "offline", "offline " + o.block());
        } else if (step instanceof PrivateMemory.Online o) {
            Path state = sysfs.memoryBlock(o.block(), "state");
            // the kernel re-creates the blocks when kmem binds, and onlines them itself by
            // auto_online_blocks: writing online to an online block is EINVAL
            if (Files.exists(state) && !"online".equals(sysfs.read(state))) {
                sysfs.write(state, o.how(), "online " + o.block());
            }
        } else if (step instanceof PrivateMemory.Unbind u) {
            String dev = SysfsAttributes.daxDevice(u.device());
            // as daxctl: drop a dynamic id first, so the driver does not take the device back
            sysfs.tryWrite(sysfs.daxDriver(u.driver(), "remove_id"), dev);
            if (u.driver().equals(driverOf(dev))) {
                sysfs.write(sysfs.daxDriver(u.driver(), "unbind"), dev, "unbind " + dev + " from " + u.driver());
            }
            expectDriver(dev, null);
        } else if (step instanceof PrivateMemory.Bind b) {
            String dev = SysfsAttributes.daxDevice(b.device());
            // new_id makes the driver match the device, and the kernel then binds it at once
            // (a CXL dax device matches only kmem by type); bind is for when it has not
            sysfs.tryWrite(sysfs.daxDriver(b.driver(), "new_id"), dev);
            if (!b.driver().equals(driverOf(dev))) {
                sysfs.write(sysfs.daxDriver(b.driver(), "bind"), dev, "bind " + dev + " to " + b.driver());
            }
            expectDriver(dev, b.driver());
        }
    }

    private void expectDriver(String dev, String driver) {
        String now = driverOf(dev);
        if (driver == null ? now != null : !driver.equals(now)) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, dev + ": the kernel accepted the writes but its driver is "
                    + (now == null ? "none" : now) + ", not " + (driver == null ? "none" : driver));
        }
    }

    /** After the steps, what the kernel shows: no block of the range online, the dax device bound to device_dax. */
    private void verify(Region r, long start, long end) {
        List<MemoryBlock> online = blocks(r, start, end).stream().filter(MemoryBlock::online).toList();
        if (!online.isEmpty()) {
            throw new Refusal(ErrorCode.KERNEL_ERROR, r.region() + ": " + online.stream().map(MemoryBlock::block)
                    .toList() + " of its range are still online as System RAM");
        }
    }

    /** {@code daxZ.N} belongs to {@code regionZ} (the kernel names a CXL region's dax region after it). */
    private static String regionOf(String dax) {
        return "region" + dax.substring("dax".length(), dax.indexOf('.'));
    }

    /** The dax driver {@code dev} is bound to now, null when none. */
    private String driverOf(String dev) {
        return memory.dax(regionOf(dev), dev).map(DaxDevice::driver).orElse(null);
    }
}
