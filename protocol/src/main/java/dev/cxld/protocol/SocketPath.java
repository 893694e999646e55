package dev.cxld.protocol;

/** Where cxld listens and cxlctl connects unless told otherwise. */
public final class SocketPath {
    private SocketPath() {}

    /** The default socket: systemd's RuntimeDirectory=cxld. */
    public static final String DEFAULT = "/run/cxld/cxld.sock";

    /** The environment variable that names another socket, for both programs. */
    public static final String ENVIRONMENT = "CXLD_SOCKET";

    /** picocli's default-value expression for a {@code --socket} option: $CXLD_SOCKET, else the default. */
    public static final String OPTION_DEFAULT = "${env:" + ENVIRONMENT + ":-" + DEFAULT + "}";
}
