package dev.cxld.daemon.server;

import java.util.OptionalLong;

/**
 * Who may change things: root, and members of the admin group (default {@code cxl}), by primary
 * or supplementary group. Everyone else may use the operations that only read. Pure.
 *
 * @param adminGroup the group's name, for messages
 * @param adminGid its gid; empty when no such group exists (then only root may change things)
 */
public record Access(String adminGroup, OptionalLong adminGid) {
    public boolean mayChange(Peer p) {
        if (p.uid() == 0) {
            return true;
        }
        if (adminGid.isPresent()) {
            long g = adminGid.getAsLong();
            return p.gid() == g || p.groups().contains(g);
        }
        return false;
    }

    /** Why {@code p} may not run {@code op}, naming who may and what {@code p} may use instead. */
    public String denial(Peer p, String op, java.util.List<String> reading) {
        return op + " changes the system: it needs root or membership in group " + adminGroup
                + (adminGid.isPresent() ? "" : " (which does not exist on this host)")
                + "; " + p.describe() + " may only use the operations that read: " + String.join(", ", reading)
                + (adminGid.isPresent() ? ". To be allowed: usermod -aG " + adminGroup + " USER (then log in again), or sudo"
                        : ". To be allowed: run as root, or create the group (the Debian package does) and join it");
    }

    /**
     * Why {@code p} may not run {@code op}, which reads {@code read} through a device that the
     * device policy keeps to root and the admin group.
     */
    public String deviceDenial(Peer p, String op, String read, java.util.List<String> reading) {
        String what = switch (read) {
            case "labels-read" -> "label contents";
            case "poison" -> "media error (poison) addresses";
            default -> read;
        };
        return op + " reads " + what + " from the device, which the device policy keeps to root and group " + adminGroup
                + (adminGid.isPresent() ? "" : " (which does not exist on this host)") + "; " + p.describe()
                + " may use: " + String.join(", ", reading) + ". To be allowed: usermod -aG " + adminGroup
                + " USER, or open it to everyone with device-read = " + read + "=anyone in /etc/cxld/cxld.conf";
    }
}
