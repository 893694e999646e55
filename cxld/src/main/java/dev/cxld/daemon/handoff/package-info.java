/**
 * Accelerator handoffs: attach (the attach policy decides), detach exactly once, revocation when
 * the topology takes a region away, leases that end with their holder, the durable state file
 * that survives restarts, the files that publish live handoffs ({@code RUN_DIR/handoffs/}), and
 * the accelerator policy at probe time ({@code Accelerators}: configured memdevs handed off when
 * they arrive, with no request).
 */
package dev.cxld.daemon.handoff;
