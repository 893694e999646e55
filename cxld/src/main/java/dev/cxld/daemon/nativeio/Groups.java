package dev.cxld.daemon.nativeio;

import com.sun.jna.Pointer;
import java.util.OptionalInt;

/** Group lookups through the C library, so NSS sources (LDAP, sssd) count as /etc/group does. */
public final class Groups {
    /** Offset of gr_gid in struct group on LP64: two pointers (name, passwd) precede it. */
    private static final int GR_GID_OFFSET = 16;

    private Groups() {}

    /** The gid of group {@code name}, empty when there is no such group. */
    public static synchronized OptionalInt gid(String name) {
        Pointer g = LibC.INSTANCE.getgrnam(name);
        return g == null ? OptionalInt.empty() : OptionalInt.of(g.getInt(GR_GID_OFFSET));
    }
}
