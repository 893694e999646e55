/**
 * A leaf that every layer may use: {@code Refusal}, the exception that becomes a response's error
 * object (a stable code, and a message naming the object and the reason), and {@code IoErrors}, how
 * cxld words a failed file operation.
 */
package dev.cxld.daemon.errors;
