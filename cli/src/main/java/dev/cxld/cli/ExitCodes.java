package dev.cxld.cli;

import dev.cxld.protocol.ErrorCode;

/** cxlctl's exit codes; scripts may rely on them. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    public static final int NOT_FOUND = 4;
    public static final int UNAVAILABLE = 5;
    public static final int PERMISSION_DENIED = 6;
    public static final int IN_USE = 7;
    public static final int KERNEL_ERROR = 8;
    public static final int DEVICE_ERROR = 9;
    public static final int NOT_ATTACHABLE = 10;
    /** A lease held by {@code attach-region --lease} ended without its holder: revoked, or taken by force. */
    public static final int LEASE_ENDED = 11;

    private ExitCodes() {}

    static int of(ErrorCode code) {
        switch (code) {
            case INVALID_ARGUMENT:
            case UNKNOWN_OPERATION:
                return USAGE;
            case NOT_FOUND:
                return NOT_FOUND;
            case UNAVAILABLE:
            case BUSY:
                return UNAVAILABLE;
            case PERMISSION_DENIED:
                return PERMISSION_DENIED;
            case IN_USE:
            case LOCKED:
                return IN_USE;
            case NOT_ATTACHABLE:
                return NOT_ATTACHABLE;
            case KERNEL_ERROR:
                return KERNEL_ERROR;
            case DEVICE_ERROR:
                return DEVICE_ERROR;
            default:
                return INTERNAL;
        }
    }
}
