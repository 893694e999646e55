package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * How the verbs that come from ndctl's {@code cxl} speak, so that scripts and people used to it
 * read the same thing: messages on stderr as libndctl's logger prints them ({@code OWNER: FUNCTION:
 * message}, e.g. {@code cxl port: cmd_disable_port: disabled 1 port}); a target that is not there is
 * a notice, not an error; the exit status is 0 when at least one target succeeded or none failed,
 * else 1 ({@code EXIT_FAILURE}), whatever the reason. cxlctl's own verbs keep their finer exit codes.
 */
final class NdctlStyle {
    static final int EXIT_FAILURE = 1;

    private final PrintWriter err;
    private final String owner;
    private int count;
    private boolean failed;

    NdctlStyle(PrintWriter err, String owner) {
        this.err = err;
        this.owner = owner;
    }

    /** One line {@code OWNER: FUNCTION: message}. */
    void log(String function, String message) {
        err.println(owner + ": " + function + ": " + message);
        err.flush();
    }

    /**
     * The answer for one target: a success counts; NOT_FOUND is logged as ndctl's notice
     * ({@code notFound}; "" for ndctl's debug-only message, not printed) and neither counts nor
     * fails; any other error is logged and fails.
     */
    boolean outcome(Response r, String function, String notFound) {
        if (r.ok()) {
            count++;
            return true;
        }
        if (r.error().code() == ErrorCode.NOT_FOUND && notFound != null) {
            if (!notFound.isEmpty()) {
                log(function, notFound);
            }
            return false;
        }
        log(function, r.error().message());
        failed = true;
        return false;
    }

    /** Forgets the successes counted so far (ndctl's write-labels counts the write, not the match). */
    void reset() {
        count = 0;
    }

    void succeeded() {
        count++;
    }

    void failed() {
        failed = true;
    }

    /** A failure the client found itself (bad option value, unreadable file). */
    void fail(String function, String message) {
        log(function, message);
        failed = true;
    }

    int count() {
        return count;
    }

    /** ndctl's {@code count >= 0 ? 0 : EXIT_FAILURE}, where count is the successes or, with none, the first error. */
    int exit() {
        return count > 0 || !failed ? 0 : EXIT_FAILURE;
    }

    /** "N thing" or "N things", as ndctl's summaries count ({@code count > 1 ? "s" : ""}). */
    static String plural(int n, String thing) {
        return n + " " + thing + (n > 1 ? "s" : "");
    }

    /** The object {@code cxl list -i} prints for memdev or decoder {@code name}, or null. */
    static ObjectNode listed(DaemonClient client, String kind, String name, boolean human) throws IOException {
        // idle: a decoder with DPA but no HPA yet has size 0, which cxl list hides without -i
        ListParams p = new ListParams(kind.equals("memdev"), false, false, false, kind.equals("decoder"), false, false, true,
                human, false, 0, kind.equals("memdev") ? name : null, null, null, null, null,
                kind.equals("decoder") ? name : null, null);
        Response r = client.call(Request.LIST, Json.mapper().valueToTree(p));
        JsonNode result = r.ok() ? r.result() : null;
        if (result instanceof ArrayNode && result.size() > 0 && result.get(0).isObject()) {
            return (ObjectNode) result.get(0);
        }
        return result != null && result.isObject() ? (ObjectNode) result : null;
    }

    /**
     * Prints a JSON array as ndctl's util_display_json_array does: one object alone when human
     * ({@code -u}, or a terminal for the provisioning verbs), else the array, an empty one with
     * the warning ndctl gives.
     */
    static void printArray(PrintWriter out, PrintWriter err, ArrayNode array, boolean human) {
        if (array.size() > 1 || !human) {
            if (array.size() == 0) {
                out.print(QuickCall.EMPTY_LIST);
                out.flush();
                err.print(QuickCall.NO_MATCHES);
                err.flush();
                return;
            }
            out.print(JsonText.pretty(array));
        } else if (array.size() == 1) {
            out.print(JsonText.pretty(array.get(0)));
        }
        out.flush();
    }
}
