package dev.cxld.daemon;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * When stderr is systemd's journal ({@code $JOURNAL_STREAM}), each log line goes there with its
 * syslog priority as the {@code <N>} prefix journald reads (sd-daemon(3)): ERROR 3, WARN 4, INFO 6,
 * DEBUG and TRACE 7. The lines of a stack trace take the priority of the event they belong to.
 * Elsewhere stderr is left as it is.
 */
final class JournalStream extends OutputStream {
    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private int priority = 6;

    JournalStream(OutputStream out) {
        this.out = out;
    }

    static void installIfJournal(Map<String, String> env) {
        String js = env.get("JOURNAL_STREAM");
        if (js != null && !js.isEmpty()) {
            System.setErr(new PrintStream(new JournalStream(new java.io.FileOutputStream(java.io.FileDescriptor.err)),
                    true, StandardCharsets.UTF_8));
        }
    }

    /** The syslog priority of a log line of slf4j-simple ("LEVEL Logger - message"), or -1 for a continuation line. */
    static int priorityOf(String line) {
        if (line.startsWith("ERROR ")) {
            return 3;
        }
        if (line.startsWith("WARN ")) {
            return 4;
        }
        if (line.startsWith("INFO ")) {
            return 6;
        }
        if (line.startsWith("DEBUG ") || line.startsWith("TRACE ")) {
            return 7;
        }
        return -1;
    }

    @Override
    public synchronized void write(int b) throws java.io.IOException {
        if (b == '\n') {
            flushLine();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void flushLine() throws java.io.IOException {
        String s = line.toString(StandardCharsets.UTF_8);
        line.reset();
        int p = priorityOf(s);
        if (p >= 0) {
            priority = p;
        }
        out.write(("<" + priority + ">" + s + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public synchronized void flush() throws java.io.IOException {
        out.flush();
    }
}
