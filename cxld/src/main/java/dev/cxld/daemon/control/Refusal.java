package dev.cxld.daemon.control;

import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.protocol.ErrorBody;
import dev.cxld.protocol.ErrorCode;
import java.nio.file.Path;

/** An operation did not happen, and why: becomes the error object of the response. */
public final class Refusal extends RuntimeException {
    private final transient ErrorBody error;

    public Refusal(ErrorCode code, String message) {
        this(new ErrorBody(code, message));
    }

    public Refusal(ErrorBody error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    /** The kernel refused a write: KERNEL_ERROR with the errno and the attribute. */
    public static Refusal kernel(String what, Path attribute, ErrnoException e) {
        return new Refusal(ErrorBody.kernel(what + ": the kernel refused: " + e.getMessage(),
                e.errno(), e.errnoName(), attribute.toString()));
    }

    public ErrorBody error() {
        return error;
    }
}
