package dev.cxld.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why a request failed: a stable {@code code} for programs and a {@code message} for people that
 * names the object and the reason. KERNEL_ERROR adds the errno ({@code errno}, {@code errno_name})
 * and the file or device the kernel refused ({@code path}); DEVICE_ERROR adds the mailbox command
 * ({@code command}) and the device's return code ({@code mailbox_rc}, {@code mailbox_rc_name}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(
        ErrorCode code,
        String message,
        Integer errno,
        @JsonProperty("errno_name") String errnoName,
        String path,
        String command,
        @JsonProperty("mailbox_rc") Integer mailboxRc,
        @JsonProperty("mailbox_rc_name") String mailboxRcName) {
    public ErrorBody(ErrorCode code, String message) {
        this(code, message, null, null, null, null, null, null);
    }

    /** A kernel refusal: errno and the file or device node. */
    public static ErrorBody kernel(String message, int errno, String errnoName, String path) {
        return new ErrorBody(ErrorCode.KERNEL_ERROR, message, errno, errnoName, path, null, null, null);
    }

    /** A device's mailbox failure: the command and its return code. */
    public static ErrorBody device(String message, String command, int rc, String rcName) {
        return new ErrorBody(ErrorCode.DEVICE_ERROR, message, null, null, null, command, rc, rcName);
    }
}
