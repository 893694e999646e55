/**
 * Memdev mailbox commands: the {@code Mailbox} seam (on a host {@code DeviceMailbox}, over
 * {@code nativeio}), per-memdev serialization ({@code MailboxService}), the commands cxld offers with
 * their chunking and errors ({@code MemdevCommands}), and the payload decoders, each citing the CXL
 * specification table it implements.
 */
package dev.cxld.daemon.mailbox;
