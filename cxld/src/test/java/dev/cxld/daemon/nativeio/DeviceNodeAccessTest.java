package dev.cxld.daemon.nativeio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owner, group and mode of a node, read and set back (chown needs root). */
class DeviceNodeAccessTest {
    @TempDir Path tmp;

    @Test
    void permissionBitsMapBothWays() {
        assertThat(PosixFilePermissions.toString(DeviceNodeAccess.permissions(0600))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(DeviceNodeAccess.permissions(0751))).isEqualTo("rwxr-x--x");
        assertThat(DeviceNodeAccess.permissions(0)).isEmpty();
    }

    @Test
    void anOwnerIsSetAndPutBack() throws Exception {
        Prerequisites.require(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0,
                "needs root (chown)");
        Path node = tmp.resolve("dax0.0");
        Files.writeString(node, "");
        Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rw-------"));
        DeviceNodeAccess.Owner before = DeviceNodeAccess.owner(node);
        assertThat(before).isEqualTo(new DeviceNodeAccess.Owner(0, before.gid(), 0600));
        DeviceNodeAccess.set(node, new DeviceNodeAccess.Owner(1000, before.gid(), 0640));
        assertThat(DeviceNodeAccess.owner(node)).isEqualTo(new DeviceNodeAccess.Owner(1000, before.gid(), 0640));
        DeviceNodeAccess.set(node, before);
        assertThat(DeviceNodeAccess.owner(node)).isEqualTo(before);
    }
}
