package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes a sysfs attribute with one write(2), so the kernel's store function sees the whole value
 * at once and its errno reaches the caller unchanged (java.io reports only the message text).
 */
public final class NativeFiles {
    private NativeFiles() {}

    /** Writes {@code value} (a newline is not added) to {@code attribute}. */
    public static void writeAttribute(Path attribute, String value) throws ErrnoException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int fd;
        try {
            fd = LibC.INSTANCE.open(attribute.toString(), LibC.O_WRONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new ErrnoException("open " + attribute, e.getErrorCode());
        }
        try {
            long n = LibC.INSTANCE.write(fd, bytes, bytes.length);
            if (n != bytes.length) {
                throw new ErrnoException("write '" + value.strip() + "' to " + attribute + " (short write)", Errno.EIO);
            }
        } catch (LastErrorException e) {
            throw new ErrnoException("write '" + value.strip() + "' to " + attribute, e.getErrorCode());
        } finally {
            closeQuietly(fd);
        }
    }

    static void closeQuietly(int fd) {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException e) {
            // nothing to do: the descriptor is released by the kernel even when close reports an error
        }
    }
}
