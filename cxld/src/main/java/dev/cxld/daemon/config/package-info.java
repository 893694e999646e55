/**
 * cxld's configuration files ({@code /etc/cxld/cxld.conf} and the drop-ins of
 * {@code cxld.conf.d/}): read and checked once at start, before anything else is wired, and handed
 * down as plain records (the accelerators are {@code policy.AcceleratorRule}s). Part of the entry
 * layer, like the command line it stands beside; every error names file, line and reason.
 */
package dev.cxld.daemon.config;
