package dev.cxld.daemon.nativeio;

import java.io.IOException;

/** A system call failed: which call, on what, and the errno it set. */
public final class ErrnoException extends IOException {
    private final int errno;

    public ErrnoException(String what, int errno) {
        super(what + ": " + Errno.message(errno) + " (" + Errno.name(errno) + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }
}
