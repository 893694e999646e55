package dev.cxld.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why a request failed: a stable {@code code} for programs and a {@code message} for people that
 * names the object and the reason. KERNEL_ERROR adds the errno ({@code errno}, {@code errno_name})
 * and the file the kernel refused ({@code path}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(
        ErrorCode code,
        String message,
        Integer errno,
        @JsonProperty("errno_name") String errnoName,
        String path) {
    public ErrorBody(ErrorCode code, String message) {
        this(code, message, null, null, null);
    }
}
