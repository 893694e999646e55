package dev.cxld.daemon.sysfs;

import java.nio.file.Path;

/** An attribute held something its kernel format does not allow; names the file and the value. */
public final class SysfsFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SysfsFormatException(Path file, String value, String expected) {
        super(file + ": expected " + expected + ", found '" + printable(value) + "'");
    }

    private static String printable(String value) {
        String v = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return v.replace("\n", "\\n").replace("\0", "\\0");
    }
}
