/**
 * Services that change the kernel's CXL state on request: memdev enable/disable (driver bind and
 * unbind) and the region lifecycle (create, destroy, enable, disable, rollback of a failed
 * create), with the journal of creates under way ({@code RegionJournal}) from which a start
 * finishes or rolls back a create that a killed cxld left. They decide from snapshots and write
 * through {@code sysfs.SysfsAttributes} only.
 */
package dev.cxld.daemon.control;
