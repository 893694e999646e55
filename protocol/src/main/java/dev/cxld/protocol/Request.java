package dev.cxld.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One request line: {@code {"id":1,"op":"list","args":{...}}}. {@code id} is the caller's and is
 * echoed in the response; {@code args} depend on {@code op}. {@code format} {@value Format#TEXT} asks for
 * the result as the text cxlctl and ndctl print ({@link JsonText}) in the response's {@code text}
 * instead of {@code result}: a client that only shows the answer then copies it, without parsing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Request(JsonNode id, String op, JsonNode args, String format) {
    /** The values of {@code format}. */
    public static final class Format {
        /** The result as JSON in {@code result} (the default, also when absent). */
        public static final String JSON = "json";
        /** The result as ndctl's pretty JSON text in {@code text}. */
        public static final String TEXT = "text";

        private Format() {}
    }

    /** A request for the result as JSON. */
    public Request(JsonNode id, String op, JsonNode args) {
        this(id, op, args, null);
    }

    /** Whether the result is asked for as text. */
    public boolean wantsText() {
        return Format.TEXT.equals(format);
    }

    /** Operation names. */
    public static final String HELLO = "hello";
    public static final String LIST = "list";
    public static final String STATUS = "status";
    public static final String METRICS = "metrics";
    public static final String RELOAD = "reload";
    public static final String MONITOR = "monitor";
    public static final String ENABLE_MEMDEV = "enable-memdev";
    public static final String DISABLE_MEMDEV = "disable-memdev";
    public static final String MAILBOX_COMMANDS = "mailbox-commands";
    public static final String IDENTIFY = "identify";
    public static final String HEALTH = "health";
    public static final String PARTITION = "partition";
    public static final String FW_INFO = "fw-info";
    public static final String ALERT_CONFIG = "alert-config";
    public static final String LOGS = "logs";
    public static final String TIMESTAMP = "timestamp";
    public static final String SHUTDOWN_STATE = "shutdown-state";
    public static final String LABELS_READ = "labels-read";
    public static final String LABELS_WRITE = "labels-write";
    public static final String LABELS_ZERO = "labels-zero";
    public static final String POISON = "poison";
    public static final String ATTACH_REGION = "attach-region";
    public static final String DETACH_REGION = "detach-region";
    public static final String CREATE_REGION = "create-region";
    public static final String DESTROY_REGION = "destroy-region";
    public static final String ENABLE_REGION = "enable-region";
    public static final String DISABLE_REGION = "disable-region";
    public static final String ENABLE_PORT = "enable-port";
    public static final String DISABLE_PORT = "disable-port";
    public static final String DISABLE_BUS = "disable-bus";
    public static final String RESERVE_DPA = "reserve-dpa";
    public static final String FREE_DPA = "free-dpa";
    public static final String WAIT_SANITIZE = "wait-sanitize";
    public static final String INJECT_POISON = "inject-poison";
    public static final String CLEAR_POISON = "clear-poison";
    public static final String SET_PARTITION = "set-partition";
    public static final String SET_ALERT_CONFIG = "set-alert-config";
    public static final String FIRMWARE_UPLOAD = "firmware-upload";
    public static final String FIRMWARE_CANCEL = "firmware-cancel";
    public static final String INJECT_PROTOCOL_ERROR = "inject-protocol-error";
}
