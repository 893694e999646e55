/**
 * The top of cxld: {@code Main} turns argv into a {@code Daemon.Config} (or runs one of the
 * commands in {@code command}), {@code Daemon} wires everything by hand and serves. Nothing else may
 * depend on this package. Where code belongs, top to bottom (held by ArchitectureTest):
 * {@code server} (the socket, the operation table, authorization) → the services ({@code control},
 * {@code handoff}, {@code mailbox}, {@code list}, {@code events}, {@code live}) → {@code policy}
 * (pure rules) and the IO layers {@code sysfs} (every sysfs and tracefs file) and {@code nativeio}
 * (every JNA call) → the protocol records. {@code errors} is a leaf any layer may use.
 */
package dev.cxld.daemon;
