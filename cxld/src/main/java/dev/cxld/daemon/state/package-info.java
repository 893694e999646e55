/**
 * cxld's state directory ({@code --state-dir}, {@code /var/lib/cxld}): {@code StateFiles} makes it
 * safe (0700, owned by cxld, no links, nothing others may write) and replaces its files atomically
 * and durably. What the files hold belongs to their services: the handoffs
 * ({@code handoff.HandoffStore}) and the region changes under way ({@code control.RegionJournal}).
 */
package dev.cxld.daemon.state;
