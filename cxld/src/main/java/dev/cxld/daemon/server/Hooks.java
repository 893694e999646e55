package dev.cxld.daemon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.protocol.ErrorCode;

/**
 * What the entry layer (Main, Daemon) serves through operations, since only it holds it: the
 * configuration reload ({@code reload}) and the metrics ({@code metrics}).
 */
public interface Hooks {
    /** Reads the configuration again and applies it; a {@link Refusal} says why not (the running one stays). */
    JsonNode reload();

    /** The metrics in Prometheus' text exposition format, version 0.0.4. */
    String metrics();

    /** For a dispatcher without a daemon around it (tests): neither is available. */
    Hooks NONE = new Hooks() {
        @Override
        public JsonNode reload() {
            throw new Refusal(ErrorCode.UNAVAILABLE, "no configuration to reload: this cxld was not started from one");
        }

        @Override
        public String metrics() {
            throw new Refusal(ErrorCode.UNAVAILABLE, "no metrics in this cxld");
        }
    };
}
