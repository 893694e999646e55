/**
 * Pure rules, functions of a topology snapshot and nothing else: no IO, no clock, no threads, no
 * logging (ArchitectureTest holds this). The accelerator attach policy of the kernel's
 * {@code cxl_memdev_attach_region()} lives here, tested as tables over captured trees.
 */
package dev.cxld.daemon.policy;
