/**
 * Captured sysfs trees: copying the CXL part of a live sysfs with a manifest of what could not be
 * read, and rebuilding such a capture (kept without symlinks by git and Maven) into a real tree.
 */
package dev.cxld.daemon.sysfs.capture;
