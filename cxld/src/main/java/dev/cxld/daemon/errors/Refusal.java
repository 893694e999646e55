package dev.cxld.daemon.errors;

import dev.cxld.protocol.ErrorBody;
import dev.cxld.protocol.ErrorCode;

/**
 * An operation did not happen, and why: becomes the error object of the response. Every layer
 * may raise one; only the server turns it into a reply.
 */
public final class Refusal extends RuntimeException {
    private final transient ErrorBody error;

    public Refusal(ErrorCode code, String message) {
        this(new ErrorBody(code, message));
    }

    public Refusal(ErrorBody error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ErrorBody error() {
        return error;
    }

    /** The same refusal with {@code more} appended to its message; every other field kept. */
    public Refusal adding(String more) {
        ErrorBody e = error;
        return new Refusal(new ErrorBody(e.code(), e.message() + more, e.errno(), e.errnoName(), e.path(), e.command(),
                e.mailboxRc(), e.mailboxRcName()));
    }
}
