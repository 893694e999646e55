/**
 * The daemon's topology snapshot kept fresh: uevents (through {@code nativeio.UeventSocket}),
 * {@code uevent_seqnum} checks before answering, incremental and periodic full rescans.
 */
package dev.cxld.daemon.live;
