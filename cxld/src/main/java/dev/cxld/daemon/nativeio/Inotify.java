package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;

/**
 * An inotify instance that reports writes to the files of watched directories, read without
 * blocking. The VFS notifies a write (IN_MODIFY) before {@code write(2)} returns to the writer,
 * on every file system, sysfs included: what {@link #drain} returns covers every write completed
 * before it was called.
 */
public final class Inotify implements Closeable {
    static final int IN_MODIFY = 0x2;
    static final int IN_Q_OVERFLOW = 0x4000;
    static final int IN_IGNORED = 0x8000;
    static final int IN_ONLYDIR = 0x01000000;
    static final int IN_NONBLOCK = 0x800;
    static final int IN_CLOEXEC = 0x80000;
    private static final int EAGAIN = 11;
    private static final int BUFFER = 64 * 1024;

    private final int fd;
    private final Memory buf = new Memory(BUFFER);
    private volatile boolean closed;

    /** What one {@link #drain} found: the watches written to, those the kernel dropped, and whether events were lost. */
    public record Drained(List<Integer> modified, List<Integer> ignored, boolean overflow) {
        public boolean isEmpty() {
            return modified.isEmpty() && ignored.isEmpty() && !overflow;
        }
    }

    public Inotify() throws ErrnoException {
        try {
            fd = LibC.INSTANCE.inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        } catch (LastErrorException e) {
            throw new ErrnoException("inotify_init1", e.getErrorCode());
        }
    }

    /**
     * Watches directory {@code dir} for writes to the files in it; the watch descriptor (the same
     * one again for a directory already watched). ENOSPC: the user's {@code max_user_watches} is reached.
     */
    public int watch(String dir) throws ErrnoException {
        try {
            return LibC.INSTANCE.inotify_add_watch(fd, dir, IN_MODIFY | IN_ONLYDIR);
        } catch (LastErrorException e) {
            throw new ErrnoException("inotify_add_watch " + dir, e.getErrorCode());
        }
    }

    /** Stops watching {@code wd}; quiet when the kernel dropped it already (its directory went). */
    public void unwatch(int wd) {
        try {
            LibC.INSTANCE.inotify_rm_watch(fd, wd);
        } catch (LastErrorException e) {
            // EINVAL: gone with its directory
        }
    }

    /** Every event queued now, without waiting. */
    public synchronized Drained drain() throws ErrnoException {
        List<Integer> modified = new ArrayList<>();
        List<Integer> ignored = new ArrayList<>();
        boolean overflow = false;
        while (true) {
            long n;
            try {
                n = LibC.INSTANCE.read(fd, buf, BUFFER);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    break;
                }
                throw new ErrnoException("read inotify", e.getErrorCode());
            }
            if (n <= 0) {
                break;
            }
            // struct inotify_event { int wd; u32 mask; u32 cookie; u32 len; char name[len]; }
            for (long off = 0; off + 16 <= n; ) {
                int wd = buf.getInt(off);
                int mask = buf.getInt(off + 4);
                int len = buf.getInt(off + 12);
                if ((mask & IN_Q_OVERFLOW) != 0) {
                    overflow = true;
                } else if ((mask & IN_IGNORED) != 0) {
                    ignored.add(wd);
                } else if ((mask & IN_MODIFY) != 0) {
                    modified.add(wd);
                }
                off += 16 + Integer.toUnsignedLong(len);
            }
        }
        return new Drained(modified, ignored, overflow);
    }

    @Override
    public synchronized void close() {
        if (!closed) { // the buffer is left to the collector: a drain after close fails on the descriptor
            closed = true;
            NativeFiles.closeQuietly(fd);
        }
    }
}
