package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One open {@code /dev/cxl/memN} and its two ioctls, CXL_MEM_QUERY_COMMANDS and
 * CXL_MEM_SEND_COMMAND ({@code include/uapi/linux/cxl_mem.h}). Structs are laid out by hand at the
 * offsets of the kernel header (checked against it by a compiled probe in the tests); every native
 * buffer lives only for the call that uses it; the descriptor is closed exactly once.
 */
public final class MemdevDevice implements Closeable {
    /** _IOR(0xCE, 1, struct cxl_mem_query_commands) on asm-generic ioctl encodings. */
    public static final long QUERY_COMMANDS = 0x8008CE01L;
    /** _IOWR(0xCE, 2, struct cxl_send_command). */
    public static final long SEND_COMMAND = 0xC030CE02L;

    /** struct cxl_command_info: 16 bytes. */
    public static final int INFO_SIZE = 16;
    /** struct cxl_mem_query_commands header: n_commands, rsvd; commands[] follow. */
    public static final int QUERY_HEADER = 8;
    /** struct cxl_send_command: 48 bytes, offsets below. */
    public static final int SEND_SIZE = 48;
    public static final int SEND_ID = 0x00;
    public static final int SEND_FLAGS = 0x04;
    public static final int SEND_RAW_OPCODE = 0x08;
    public static final int SEND_RETVAL = 0x0C;
    public static final int SEND_IN_SIZE = 0x10;
    public static final int SEND_IN_PAYLOAD = 0x18;
    public static final int SEND_OUT_SIZE = 0x20;
    public static final int SEND_OUT_PAYLOAD = 0x28;

    /** One slot of the kernel's command table as QUERY reports it. */
    public record CommandInfo(int id, int flags, int sizeIn, int sizeOut) {}

    /** What SEND returned: the device's mailbox return code and the output bytes it copied. */
    public record Sent(int retval, byte[] out) {}

    private final Path node;
    private int fd;

    private MemdevDevice(Path node, int fd) {
        this.node = node;
        this.fd = fd;
    }

    /** Opens the device node read-write, as the kernel requires for its ioctls. */
    public static MemdevDevice open(Path node) throws ErrnoException {
        try {
            return new MemdevDevice(node, LibC.INSTANCE.open(node.toString(), LibC.O_RDWR | LibC.O_CLOEXEC));
        } catch (LastErrorException e) {
            throw new ErrnoException("open " + node, e.getErrorCode());
        }
    }

    /** Every slot of the kernel's command table, empty ones (id 0) included. */
    public List<CommandInfo> query() throws ErrnoException {
        int n;
        try (Memory head = new Memory(QUERY_HEADER)) {
            head.clear();
            ioctl(QUERY_COMMANDS, head, "CXL_MEM_QUERY_COMMANDS");
            n = head.getInt(0);
        }
        if (n <= 0 || n > 4096) {
            throw new ErrnoException("CXL_MEM_QUERY_COMMANDS on " + node + " reported " + n + " commands", Errno.EIO);
        }
        List<CommandInfo> out = new ArrayList<>();
        try (Memory q = new Memory(QUERY_HEADER + (long) INFO_SIZE * n)) {
            q.clear();
            q.setInt(0, n);
            ioctl(QUERY_COMMANDS, q, "CXL_MEM_QUERY_COMMANDS");
            int got = Math.min(n, q.getInt(0));
            for (int i = 0; i < got; i++) {
                long o = QUERY_HEADER + (long) INFO_SIZE * i;
                out.add(new CommandInfo(q.getInt(o), q.getInt(o + 4), q.getInt(o + 8), q.getInt(o + 12)));
            }
        }
        return out;
    }

    /**
     * Sends command {@code id} with {@code in} as its payload and room for {@code outSize} bytes of
     * output. An errno from the ioctl is an {@link ErrnoException}; a device that failed the
     * command answers normally, with its return code in {@link Sent#retval()}.
     */
    public Sent send(int id, byte[] in, int outSize) throws ErrnoException {
        try (Memory cmd = new Memory(SEND_SIZE);
                Memory inBuf = new Memory(Math.max(1, in.length));
                Memory outBuf = new Memory(Math.max(1, outSize))) {
            cmd.clear();
            outBuf.clear();
            if (in.length > 0) {
                inBuf.write(0, in, 0, in.length);
            }
            cmd.setInt(SEND_ID, id);
            cmd.setInt(SEND_IN_SIZE, in.length);
            cmd.setLong(SEND_IN_PAYLOAD, in.length > 0 ? com.sun.jna.Pointer.nativeValue(inBuf) : 0);
            cmd.setInt(SEND_OUT_SIZE, outSize);
            cmd.setLong(SEND_OUT_PAYLOAD, outSize > 0 ? com.sun.jna.Pointer.nativeValue(outBuf) : 0);
            ioctl(SEND_COMMAND, cmd, "CXL_MEM_SEND_COMMAND id " + id);
            int retval = cmd.getInt(SEND_RETVAL);
            int n = retval == 0 ? Math.max(0, Math.min(outSize, cmd.getInt(SEND_OUT_SIZE))) : 0;
            return new Sent(retval, outBuf.getByteArray(0, n));
        }
    }

    private synchronized void ioctl(long request, Memory arg, String what) throws ErrnoException {
        if (fd < 0) {
            throw new ErrnoException(what + " on closed " + node, Errno.EBADF);
        }
        try {
            LibC.INSTANCE.ioctl(fd, request, arg);
        } catch (LastErrorException e) {
            throw new ErrnoException(what + " on " + node, e.getErrorCode());
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            NativeFiles.closeQuietly(fd);
            fd = -1;
        }
    }
}
