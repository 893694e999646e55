package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;

/**
 * A file cxld opened read-write to hand to a client over its connection ({@link FdPassing}): the
 * descriptor stays cxld's until {@link #close}, which the sender calls once the reply has gone
 * (or could not be sent). Opened close-on-exec, so no child of cxld inherits it.
 */
public final class PassedFile implements AutoCloseable {
    private final Path path;
    private int fd;

    private PassedFile(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens {@code path} O_RDWR|O_CLOEXEC; the errno when the kernel refuses. */
    public static PassedFile open(Path path) throws ErrnoException {
        try {
            return new PassedFile(path, LibC.INSTANCE.open(path.toString(), LibC.O_RDWR | LibC.O_CLOEXEC));
        } catch (LastErrorException e) {
            throw new ErrnoException("open " + path, e.getErrorCode());
        }
    }

    public Path path() {
        return path;
    }

    synchronized int fd() {
        if (fd < 0) {
            throw new IllegalStateException(path + " was closed already");
        }
        return fd;
    }

    /** Closes cxld's descriptor; a second close does nothing. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            NativeFiles.closeQuietly(fd);
            fd = -1;
        }
    }
}
