package dev.cxld.daemon.server;

import dev.cxld.protocol.Numbers;

import dev.cxld.daemon.nativeio.PeerCredentials;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Turns a connection into a {@link Peer}: SO_PEERCRED's pid, uid and gid (native), the process's
 * supplementary groups and name from /proc/PID/status (only while that process still has the
 * uid the kernel reported), and names from the JDK's own SO_PEERCRED option.
 */
final class PeerReader {
    private final Path proc;

    PeerReader(Path proc) {
        this.proc = proc;
    }

    Peer read(SocketChannel ch) {
        String user = "?";
        String group = null;
        try {
            UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            user = p.user().getName();
            group = p.group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            // names stay unknown
        }
        Optional<PeerCredentials.Ucred> cred = PeerCredentials.of(ch);
        if (cred.isEmpty()) {
            // no descriptor access: trust names only for the root check, never guess group ids
            return new Peer("root".equals(user) ? 0 : -1, -1, -1, Set.of(), user, group, null);
        }
        PeerCredentials.Ucred u = cred.get();
        Set<Long> groups = new HashSet<>();
        String comm = null;
        try {
            String status = Files.readString(proc.resolve(u.pid() + "/status"), StandardCharsets.UTF_8);
            boolean sameUser = false;
            for (String line : status.split("\n")) {
                if (line.startsWith("Name:")) {
                    comm = line.substring(5).strip();
                } else if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).strip().split("\\s+");
                    sameUser = ids.length > 0 && ids[0].equals(Long.toString(u.uid()));
                } else if (line.startsWith("Groups:")) {
                    for (String g : line.substring(7).strip().split("\\s+")) {
                        if (!g.isEmpty()) {
                            groups.add(Numbers.unsignedDecimal(g));
                        }
                    }
                }
            }
            if (!sameUser) {
                groups.clear(); // the pid was reused by another user's process
                comm = null;
            }
        } catch (IOException | NumberFormatException e) {
            groups.clear(); // the process is gone: its primary gid still counts
        }
        if ("?".equals(user)) {
            user = "uid " + u.uid();
        }
        return new Peer(u.uid(), u.gid(), u.pid(), groups, user, group, comm);
    }
}
