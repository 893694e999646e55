package dev.cxld.daemon.server;

import java.util.Set;

/**
 * Who is on the other end of a connection, from SO_PEERCRED at connect time.
 *
 * @param uid user id; -1 when only the name is known
 * @param gid primary group id; -1 when unknown
 * @param pid process id; -1 when unknown
 * @param groups supplementary group ids of that process (from /proc/PID/status), empty when unknown
 * @param user user name ("uid 1000" when the name cannot be resolved)
 * @param group primary group name, null when unknown
 * @param comm the process's command name, null when unknown
 */
public record Peer(long uid, long gid, long pid, Set<Long> groups, String user, String group, String comm) {
    public Peer {
        groups = Set.copyOf(groups);
    }

    /** A peer of which nothing is known: it may only read. */
    public static final Peer UNKNOWN = new Peer(-1, -1, -1, Set.of(), "?", null, null);

    /** "alice (uid 1000, pid 4242 cxlctl)", for logs and messages. */
    public String describe() {
        StringBuilder b = new StringBuilder(user);
        b.append(" (");
        b.append(uid >= 0 ? "uid " + uid : "uid unknown");
        if (pid > 0) {
            b.append(", pid ").append(pid);
            if (comm != null) {
                b.append(' ').append(comm);
            }
        }
        return b.append(')').toString();
    }
}
