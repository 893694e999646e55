package dev.cxld.daemon.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Request;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Typed access to a request's {@code args}; a missing or mistyped argument is INVALID_ARGUMENT, and
 * so is an object name of the wrong form ({@link ClientNames}), before any handler sees it.
 */
final class Args {
    private final String op;
    private final JsonNode args;
    /** What {@link #as} parsed, by type: a request's arguments are parsed once however often asked. */
    private final java.util.Map<Class<?>, Object> parsed = new java.util.HashMap<>(2);

    Args(Request req) {
        this.op = req.op();
        this.args = req.args();
        if (args != null && !args.isNull() && !args.isObject()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": \"args\" must be an object");
        }
    }

    private JsonNode get(String name) {
        return args == null || args.isNull() ? null : args.get(name);
    }

    /** A required, non-empty string. */
    String text(String name) {
        JsonNode v = get(name);
        if (v == null || v.isNull()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": argument \"" + name + "\" is required");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": argument \"" + name + "\" must be a non-empty string");
        }
        return ClientNames.check(op, name, v.asText());
    }

    boolean has(String name) {
        JsonNode v = get(name);
        return v != null && !v.isNull();
    }

    /** An optional non-negative integer, {@code otherwise} when absent. */
    long number(String name, long otherwise) {
        JsonNode v = get(name);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": argument \"" + name + "\" must be a non-negative integer");
        }
        return v.asLong();
    }

    /** An optional non-empty string, null when absent. */
    String optionalText(String name) {
        return has(name) ? text(name) : null;
    }

    /** An optional integer of either sign that fits an int (a temperature), null when absent. */
    Integer optionalSignedInt(String name) {
        JsonNode v = get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": argument \"" + name + "\" must be an integer");
        }
        return v.asInt();
    }

    /** An optional non-negative integer, null when absent. */
    Long optionalNumber(String name) {
        return has(name) ? number(name, 0) : null;
    }

    /** An optional non-negative integer that fits an int, null when absent. */
    Integer optionalInt(String name) {
        Long v = optionalNumber(name);
        if (v != null && v > Integer.MAX_VALUE) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": argument \"" + name + "\" is too large");
        }
        return v == null ? null : v.intValue();
    }

    /** A required base64 string, decoded. */
    byte[] base64(String name) {
        try {
            return Base64.getDecoder().decode(text(name));
        } catch (IllegalArgumentException e) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": \"" + name + "\" is not base64: " + e.getMessage());
        }
    }

    /** All the arguments as one record of the protocol (ListParams, MemdevDetails); unknown keys ignored. */
    <T> T as(Class<T> type) {
        Object seen = parsed.get(type);
        if (seen != null) {
            return type.cast(seen);
        }
        try {
            T value = Json.mapper().treeToValue(args == null || args.isNull() ? Json.mapper().createObjectNode() : args, type);
            parsed.put(type, value);
            return value;
        } catch (JsonProcessingException e) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": bad arguments: " + e.getOriginalMessage());
        }
    }

    /** An optional boolean, false when absent. */
    boolean flag(String name) {
        JsonNode v = get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": argument \"" + name + "\" must be true or false");
        }
        return v.asBoolean();
    }

    /** An optional array of strings, {@code otherwise} when absent. */
    List<String> texts(String name, List<String> otherwise) {
        JsonNode v = get(name);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isArray()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": argument \"" + name + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, op + ": argument \"" + name + "\" must be an array of strings");
            }
            out.add(ClientNames.check(op, name, e.asText()));
        }
        return out;
    }
}
