package dev.cxld.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Response;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The answers {@link QuickCall} does not copy: an error (its message and exit code, as picocli's
 * path gives them) or a result as JSON from a cxld that does not know {@code "format":"text"}. Kept
 * apart so that the quick path loads Jackson only when it lands here.
 */
final class QuickAnswers {
    private QuickAnswers() {}

    /** Prints what {@code line} says as {@code command} would; returns the exit code. */
    static int notText(byte[] line, String command, PrintStream out, PrintStream err) {
        Response r;
        try {
            r = Json.mapper().readValue(new String(line, StandardCharsets.UTF_8), Response.class);
        } catch (JsonProcessingException e) {
            err.println(command + ": cxld answered with a line that is not a response: " + e.getOriginalMessage());
            return ExitCodes.INTERNAL;
        }
        if (r == null || (!r.ok() && r.error() == null) || (r.ok() && r.text() == null && r.result() == null)) {
            err.println(command + ": cxld answered with a response that has neither a result nor an error");
            return ExitCodes.INTERNAL;
        }
        if (!r.ok()) {
            err.println(command + ": " + r.error().message());
            return ExitCodes.of(r.error().code());
        }
        String text = DaemonClient.printed(r);
        out.print(text);
        out.flush();
        if (command.endsWith(" list") && text.equals(QuickCall.EMPTY_LIST)) {
            err.print(QuickCall.NO_MATCHES);
            err.flush();
        }
        return ExitCodes.OK;
    }
}
