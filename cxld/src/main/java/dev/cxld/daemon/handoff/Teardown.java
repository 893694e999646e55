package dev.cxld.daemon.handoff;

/**
 * A region cxld created for a handoff that has ended, to be destroyed once: recorded in the state
 * file in the same write that ends the handoff, removed in the write after the region is gone, so a
 * cxld killed in between finishes it at its next start and none destroys it twice. The region is
 * known by name, address and size: one by that name at another address, or of another size, is
 * not cxld's and is left alone.
 */
public record Teardown(String region, long resource, long size, String memdev, String why) {
    static Teardown of(Handoff h, String why) {
        return new Teardown(h.region(), h.resource(), h.size(), h.memdev(), why);
    }
}
