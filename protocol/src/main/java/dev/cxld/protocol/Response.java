package dev.cxld.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One response line: {@code {"id":1,"ok":true,"result":...}}, or {@code {"id":1,"ok":true,"text":"..."}}
 * when the request asked for {@link Request.Format#TEXT}, or
 * {@code {"id":1,"ok":false,"error":{"code":"NOT_FOUND","message":"..."}}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Response(JsonNode id, boolean ok, JsonNode result, ErrorBody error, String text) {
    public Response(JsonNode id, boolean ok, JsonNode result, ErrorBody error) {
        this(id, ok, result, error, null);
    }

    /** Version of this wire protocol, reported by {@code hello}. */
    public static final int PROTOCOL_VERSION = 1;

    public static Response success(JsonNode id, JsonNode result) {
        return new Response(id, true, result, null);
    }

    /** Success, the result as the text cxlctl prints ({@link JsonText#pretty}). */
    public static Response text(JsonNode id, String text) {
        return new Response(id, true, null, null, text);
    }

    public static Response failure(JsonNode id, ErrorCode code, String message) {
        return new Response(id, false, null, new ErrorBody(code, message));
    }

    public static Response failure(JsonNode id, ErrorBody error) {
        return new Response(id, false, null, error);
    }
}
