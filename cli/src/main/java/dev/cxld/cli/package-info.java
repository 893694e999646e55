/**
 * cxlctl: one picocli command class per verb (or verb family), {@code DaemonClient} for the socket,
 * {@code ExitCodes} mapping error codes to exit statuses. {@code QuickCall} answers the calls scripts
 * make most ({@code list}, {@code status}, {@code --version}) before picocli or Jackson is loaded,
 * and hands everything else, errors included, to picocli. It depends on the protocol module only:
 * no daemon classes, no JNA (ArchitectureTest).
 */
package dev.cxld.cli;
