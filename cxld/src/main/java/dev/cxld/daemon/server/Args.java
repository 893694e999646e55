package dev.cxld.daemon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.control.Refusal;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Request;
import java.util.ArrayList;
import java.util.List;

/** Typed access to a request's {@code args}; a missing or mistyped argument is INVALID_ARGUMENT. */
final class Args {
    private final String op;
    private final JsonNode args;

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
        return v.asText();
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
            out.add(e.asText());
        }
        return out;
    }
}
