package dev.cxld.protocol;

/** Stable, machine-readable error codes of the protocol. */
public enum ErrorCode {
    /** The request is not valid JSON, lacks a field, or has an argument of the wrong type or value. */
    INVALID_ARGUMENT,
    /** No such operation. */
    UNKNOWN_OPERATION,
    /** The named object does not exist. */
    NOT_FOUND,
    /** cxld cannot serve this now (e.g. no CXL bus). */
    UNAVAILABLE,
    /** Too many connections (in all, or from this user); try again. */
    BUSY,
    /** A bug in cxld; the message says what failed. */
    INTERNAL
}
