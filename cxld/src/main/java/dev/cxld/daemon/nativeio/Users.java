package dev.cxld.daemon.nativeio;

import com.sun.jna.Pointer;
import java.util.OptionalLong;

/** User lookups through the C library, so NSS sources (LDAP, sssd) count as /etc/passwd does. */
public final class Users {
    /** Offset of pw_uid in struct passwd on LP64: two pointers (name, passwd) precede it. */
    private static final int PW_UID_OFFSET = 16;

    private Users() {}

    /** The uid of user {@code name}, empty when there is no such user. */
    public static synchronized OptionalLong uid(String name) {
        Pointer p = LibC.INSTANCE.getpwnam(name);
        return p == null ? OptionalLong.empty() : OptionalLong.of(Integer.toUnsignedLong(p.getInt(PW_UID_OFFSET)));
    }
}
