package dev.cxld.daemon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Request;

/**
 * One operation of the protocol, declared once in {@link Operations}: its name, whether it only
 * reads, and its handler. Whatever is not declared {@link Effect#READS} is refused to everyone
 * but root and the admin group, before its handler runs.
 */
record Operation(String name, Effect effect, Handler handler) {
    enum Effect {
        /** Anyone who can connect may use it. */
        READS,
        /** It changes the system: root and the admin group only. */
        CHANGES
    }

    /** Runs one request of this operation. Throws {@link dev.cxld.daemon.errors.Refusal} to refuse. */
    interface Handler {
        Dispatcher.Reply handle(Call call);
    }

    /** One request being handled: what was asked, its arguments, and who asked. */
    record Call(Request request, Args args, Peer peer) {
        /** The success reply carrying {@code result}. */
        Dispatcher.Reply ok(JsonNode result) {
            return Dispatcher.encode(dev.cxld.protocol.Response.success(request.id(), result));
        }
    }

    static Operation reads(String name, Handler handler) {
        return new Operation(name, Effect.READS, handler);
    }

    static Operation changes(String name, Handler handler) {
        return new Operation(name, Effect.CHANGES, handler);
    }

    boolean onlyReads() {
        return effect == Effect.READS;
    }
}
