package dev.cxld.protocol;

/** Stable, machine-readable error codes of the protocol. New codes may be added; none is renamed. */
public enum ErrorCode {
    /** The request is not valid JSON, lacks a field, or has an argument of the wrong type or value. */
    INVALID_ARGUMENT,
    /** No such operation. */
    UNKNOWN_OPERATION,
    /** The named object does not exist. */
    NOT_FOUND,
    /** The caller may not do this: changing operations need root or the daemon's admin group. */
    PERMISSION_DENIED,
    /** The object is in use (e.g. a memdev in a committed region) and the request did not force it. */
    IN_USE,
    /** The object is guarded by a live handoff (or locked by the kernel); the message names the holder. */
    LOCKED,
    /** attach-region: the memdev's region breaks a rule of the attach policy; the message names the region and the rule. */
    NOT_ATTACHABLE,
    /** The kernel refused a write or call; {@code errno}, {@code errno_name} and {@code path} say which. */
    KERNEL_ERROR,
    /** A memory device failed a mailbox command; {@code command}, {@code mailbox_rc} and {@code mailbox_rc_name} say how. */
    DEVICE_ERROR,
    /** cxld cannot serve this now (e.g. no CXL bus). */
    UNAVAILABLE,
    /**
     * Try again: too many connections (in all, or from this user), device reads over the user's
     * rate, or an attach while a change is under way on that memdev or region.
     */
    BUSY,
    /** A bug in cxld; the message says what failed. */
    INTERNAL
}
