package dev.cxld.daemon.sysfs.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one sysfs attribute. The seam that lets tests make a read fail the way a kernel would. */
@FunctionalInterface
public interface AttributeReader {
    /**
     * Returns at most {@code limit + 1} bytes of {@code file}, so a caller can tell an attribute
     * that is larger than it wants to keep.
     */
    byte[] read(Path file, int limit) throws IOException;

    /** Plain reads: sysfs attributes report a size of 4096 whatever they hold, so read to EOF. */
    static AttributeReader files() {
        return (file, limit) -> {
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes(limit + 1);
            }
        };
    }
}
