/**
 * The subcommands of the {@code cxld} program that work without a daemon ({@code list},
 * {@code capture-sysfs}, {@code materialize-capture}, {@code capture-mailbox}): picocli classes that
 * parse options and call the same services and sysfs code the daemon uses. Picocli belongs here and
 * in {@code Main} only.
 */
package dev.cxld.daemon.command;
