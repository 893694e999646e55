package dev.cxld.daemon.config;

/** A configuration cxld will not start with; the message is {@code FILE:LINE: reason}. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String source, String reason) {
        super(source + ": " + reason);
    }
}
