package dev.cxld.daemon.nativeio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who may open a device node under {@code /dev}: its owner, group and permission bits, read and
 * set through the JDK's {@code unix} attribute view (chown(2), chmod(2)). A handoff with a grant
 * makes its holder the owner of {@code /dev/daxX.Y} and puts the node back as it was when the
 * handoff ends.
 */
public final class DeviceNodeAccess {
    private DeviceNodeAccess() {}

    /** A node's owner, group and permission bits (the low nine bits of st_mode). */
    public record Owner(long uid, long gid, int mode) {}

    public static Owner owner(Path node) throws IOException {
        int uid = (Integer) Files.getAttribute(node, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(node, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(node, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return new Owner(Integer.toUnsignedLong(uid), Integer.toUnsignedLong(gid), mode & 0777);
    }

    /** Sets the node's owner, group and permission bits to {@code o}. */
    public static void set(Path node, Owner o) throws IOException {
        Files.setAttribute(node, "unix:uid", (int) o.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(node, "unix:gid", (int) o.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(node, permissions(o.mode()));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }
}
