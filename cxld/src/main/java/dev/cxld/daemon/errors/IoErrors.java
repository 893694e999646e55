package dev.cxld.daemon.errors;

import java.io.IOException;
import java.nio.file.FileSystemException;

/** How cxld words a failed file operation: the kernel's reason ("Input/output error"), not Java's. */
public final class IoErrors {
    private IoErrors() {}

    /** The reason alone, e.g. {@code No such device or address}. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** "file: reason" when the exception names a file, else the reason. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException && ((FileSystemException) e).getFile() != null) {
            FileSystemException f = (FileSystemException) e;
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        return reason(e);
    }
}
