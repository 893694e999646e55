package dev.cxld.daemon.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.protocol.Request;

/**
 * One operation of the protocol, declared once in {@link Operations}: its name, whether it only
 * reads, and its handler. Whatever is not declared to read ({@link Effect#READS},
 * {@link Effect#READS_DEVICE}) is refused to everyone but root and the admin group, before its
 * handler runs; what reads through a device is also held to the {@link DevicePolicy}.
 */
record Operation(String name, Effect effect, Handler handler) {
    enum Effect {
        /** Anyone who can connect may use it. */
        READS,
        /** It reads through a device (mailbox, poison list): who may, and how often, is the {@link DevicePolicy}'s. */
        READS_DEVICE,
        /** It changes the system: root and the admin group only. */
        CHANGES
    }

    /** Runs one request of this operation. Throws {@link dev.cxld.daemon.errors.Refusal} to refuse. */
    interface Handler {
        Dispatcher.Reply handle(Call call);
    }

    /** One request being handled: what was asked, its arguments, and who asked. */
    record Call(Request request, Args args, Peer peer) {
        /**
         * The success reply carrying {@code result}, or its text when the request asked for
         * {@link Request.Format#TEXT}. A result given as raw JSON text (a rendered listing) has no tree to
         * print: its handler answers text requests with {@link #okText} itself.
         */
        Dispatcher.Reply ok(JsonNode result) {
            if (request.wantsText()) {
                if (result instanceof com.fasterxml.jackson.databind.node.POJONode) {
                    throw new IllegalStateException(request.op() + ": a raw result cannot be printed as text");
                }
                return okText(dev.cxld.protocol.JsonText.pretty(result));
            }
            return Dispatcher.encode(dev.cxld.protocol.Response.success(request.id(), result));
        }

        /** The success reply carrying {@code text}, the result as cxlctl prints it. */
        Dispatcher.Reply okText(String text) {
            return Dispatcher.encode(dev.cxld.protocol.Response.text(request.id(), text));
        }
    }

    static Operation reads(String name, Handler handler) {
        return new Operation(name, Effect.READS, handler);
    }

    static Operation readsDevice(String name, Handler handler) {
        return new Operation(name, Effect.READS_DEVICE, handler);
    }

    static Operation changes(String name, Handler handler) {
        return new Operation(name, Effect.CHANGES, handler);
    }

    boolean onlyReads() {
        return effect != Effect.CHANGES;
    }
}
