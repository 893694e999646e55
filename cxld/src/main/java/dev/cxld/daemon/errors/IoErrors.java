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
        // the JDK leaves the reason out of these three and puts the file name in the message
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "File exists";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** "file: reason" when the exception names a file, else the reason. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException && ((FileSystemException) e).getFile() != null) {
            FileSystemException f = (FileSystemException) e;
            return f.getFile() + ": " + reason(f);
        }
        return reason(e);
    }
}
