/**
 * Accelerator handoffs: attach (the attach policy decides), detach exactly once, revocation when
 * the topology takes a region away, and the durable state file that survives restarts.
 */
package dev.cxld.daemon.handoff;
