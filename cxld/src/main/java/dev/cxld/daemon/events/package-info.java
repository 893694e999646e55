/**
 * Events: the bus that numbers them and fans them out to monitors without ever blocking a
 * publisher, topology differences between snapshots, the kernel's CXL trace events (read from cxld's
 * tracefs instance, {@code sysfs.TracefsInstance}) and the poison list they carry.
 */
package dev.cxld.daemon.events;
