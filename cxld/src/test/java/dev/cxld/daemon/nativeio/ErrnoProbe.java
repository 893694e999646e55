package dev.cxld.daemon.nativeio;

import dev.cxld.daemon.mailbox.CommandId;
import java.nio.file.Path;

/**
 * Run in a guest by MailboxVmIT: sends what the kernel must refuse straight through the native
 * layer, bypassing the checks cxld makes first, and prints "CASE ERRNO_NAME" per line (or
 * "CASE ok retval=N"), so the test sees the errno path of the real ioctl.
 * Usage: java -cp cxld.jar:test-classes dev.cxld.daemon.nativeio.ErrnoProbe /dev/cxl/mem0
 */
public final class ErrnoProbe {
    public static void main(String[] args) throws Exception {
        try (MemdevDevice d = MemdevDevice.open(Path.of(args[0]))) {
            attempt("not-enabled", () -> d.send(CommandId.GET_HEALTH_INFO.id, new byte[0], 0x12));
            attempt("unknown-id", () -> d.send(200, new byte[0], 16));
            attempt("wrong-input-size", () -> d.send(CommandId.GET_LSA.id, new byte[4], 64));
            attempt("identify", () -> d.send(CommandId.IDENTIFY.id, new byte[0], 0x43));
        }
        attempt("no-such-node", () -> {
            MemdevDevice.open(Path.of(args[0] + "9")).close();
            return null;
        });
    }

    interface Call {
        Object run() throws ErrnoException;
    }

    static void attempt(String name, Call c) {
        try {
            Object r = c.run();
            System.out.println(name + " ok" + (r instanceof MemdevDevice.Sent s ? " retval=" + s.retval() + " bytes=" + s.out().length : ""));
        } catch (ErrnoException e) {
            System.out.println(name + " " + e.errnoName());
        }
    }
}
