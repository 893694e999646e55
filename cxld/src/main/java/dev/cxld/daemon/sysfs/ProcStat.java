package dev.cxld.daemon.sysfs;

import dev.cxld.protocol.Numbers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Processes as {@code /proc/PID/stat} shows them, under an injected root: a process's start time is
 * field 22 (starttime, clock ticks after boot), counted after the closing parenthesis of its
 * command name, which may itself hold spaces and parentheses.
 */
public final class ProcStat {
    private final Path proc;

    public ProcStat(Path procRoot) {
        this.proc = procRoot;
    }

    /** When process {@code pid} started; empty when there is none (or it has exited: a zombie). */
    public OptionalLong startTime(long pid) {
        if (pid <= 0) {
            return OptionalLong.empty();
        }
        String stat;
        try {
            stat = new String(Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("stat")), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return OptionalLong.empty(); // gone (or never there)
        }
        return startTime(stat);
    }

    /** Field 22 of a stat line; empty when the line is not one. */
    static OptionalLong startTime(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        // after "pid (comm)": field 3 (state) is the first; starttime is field 22
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        if (f.length < 20 || f[0].equals("Z") || f[0].equals("X")) {
            return OptionalLong.empty(); // a zombie has exited: its lease is over
        }
        try {
            return OptionalLong.of(Numbers.unsignedDecimal(f[19]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
