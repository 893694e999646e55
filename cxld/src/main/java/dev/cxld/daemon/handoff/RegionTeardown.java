package dev.cxld.daemon.handoff;

/** Destroys a region cxld created, if it is still that region (RegionControl, wired by the daemon). */
@FunctionalInterface
public interface RegionTeardown {
    /**
     * Destroys {@code region} if it exists at {@code resource} with {@code size}; false when there is
     * no such region (gone already, or another one by that name); a Refusal when the kernel refuses.
     */
    boolean destroyIfSame(String region, long resource, long size);
}
