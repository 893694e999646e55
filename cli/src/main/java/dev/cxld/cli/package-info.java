/**
 * cxlctl: one picocli command class per verb (or verb family), {@code DaemonClient} for the socket,
 * {@code ExitCodes} mapping error codes to exit statuses. It depends on the protocol module only: no
 * daemon classes, no JNA (ArchitectureTest).
 */
package dev.cxld.cli;
