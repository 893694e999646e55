package dev.cxld.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One response line: {@code {"id":1,"ok":true,"result":...}} or
 * {@code {"id":1,"ok":false,"error":{"code":"NOT_FOUND","message":"..."}}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Response(JsonNode id, boolean ok, JsonNode result, ErrorBody error) {
    /** Version of this wire protocol, reported by {@code hello}. */
    public static final int PROTOCOL_VERSION = 1;

    public static Response success(JsonNode id, JsonNode result) {
        return new Response(id, true, result, null);
    }

    public static Response failure(JsonNode id, ErrorCode code, String message) {
        return new Response(id, false, null, new ErrorBody(code, message));
    }

    public static Response failure(JsonNode id, ErrorBody error) {
        return new Response(id, false, null, error);
    }
}
