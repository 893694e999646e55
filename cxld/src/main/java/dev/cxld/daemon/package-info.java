/**
 * The top of cxld: {@code Main} turns argv and the configuration files into a {@code Daemon.Config}
 * ({@code Settings}; or runs one of the commands in {@code command}), {@code Daemon} wires everything
 * by hand and serves; {@code ServiceManager} speaks systemd's notify protocol and takes its socket,
 * {@code Reloader} reloads on SIGHUP and the {@code reload} operation, {@code JournalStream} gives log
 * lines their syslog priority. Nothing else may depend on this package. Where code belongs, top to bottom (held by ArchitectureTest):
 * {@code server} (the socket, the operation table, authorization) → the services ({@code control},
 * {@code handoff}, {@code mailbox}, {@code list}, {@code events}, {@code live}, {@code metrics}) → {@code policy}
 * (pure rules) and the IO layers {@code sysfs} (every sysfs and tracefs file) and {@code nativeio}
 * (every JNA call) → the protocol records. {@code errors} is a leaf any layer may use.
 */
package dev.cxld.daemon;
