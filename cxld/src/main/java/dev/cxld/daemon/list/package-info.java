/**
 * The {@code list} operation: ndctl {@code cxl list}'s walk, filters, nesting and JSON over a topology
 * snapshot ({@code ListWalk}, {@code ListJson}, {@code Idents}), and the mailbox details added for
 * {@code -H -I -F -A} ({@code Listing}, {@code MailboxKeys}).
 */
package dev.cxld.daemon.list;
