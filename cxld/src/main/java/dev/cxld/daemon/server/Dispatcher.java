package dev.cxld.daemon.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.list.ListWalk;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.ProjectVersion;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns one request line into one response line. Never throws: every failure is a response. */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Snapshots snapshots;
    private final Status.Daemon self;
    private final java.time.Clock clock;

    public Dispatcher(Snapshots snapshots, Status.Daemon self, java.time.Clock clock) {
        this.snapshots = snapshots;
        this.self = self;
        this.clock = clock;
    }


    public String handle(String line) {
        Response response;
        try {
            response = dispatch(line);
        } catch (RuntimeException e) {
            LOG.error("request failed: {}", line, e);
            response = Response.failure(null, ErrorCode.INTERNAL, "internal error: " + e);
        }
        try {
            return Json.mapper().writeValueAsString(response);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a response", e);
        }
    }

    private Response dispatch(String line) {
        Request req;
        try {
            req = Json.mapper().readValue(line, Request.class);
        } catch (JsonProcessingException e) {
            return Response.failure(null, ErrorCode.INVALID_ARGUMENT,
                    "request is not a JSON object with id, op and args: " + e.getOriginalMessage());
        }
        if (req.op() == null) {
            return Response.failure(req.id(), ErrorCode.INVALID_ARGUMENT, "request has no \"op\"");
        }
        LOG.debug("request {} {}", req.id(), req.op());
        switch (req.op()) {
            case Request.HELLO:
                ObjectNode hello = Json.mapper().createObjectNode();
                hello.put("daemon", "cxld");
                hello.put("version", ProjectVersion.get());
                hello.put("protocol", Response.PROTOCOL_VERSION);
                return Response.success(req.id(), hello);
            case Request.LIST:
                return list(req);
            case Request.STATUS:
                Snapshots.Taken t = snapshots.fresh();
                return Response.success(req.id(), Status.of(self, t.topology(), t.at(), clock.instant()));
            default:
                return Response.failure(req.id(), ErrorCode.UNKNOWN_OPERATION,
                        "unknown operation \"" + req.op() + "\"; this cxld knows: hello, list, status");
        }
    }

    private Response list(Request req) {
        ListParams params;
        try {
            JsonNode args = req.args() == null || req.args().isNull() ? Json.mapper().createObjectNode() : req.args();
            params = Json.mapper().treeToValue(args, ListParams.class);
            params.resolve();
        } catch (JsonProcessingException e) {
            return Response.failure(req.id(), ErrorCode.INVALID_ARGUMENT, "list: bad arguments: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            return Response.failure(req.id(), ErrorCode.INVALID_ARGUMENT, "list: " + e.getMessage());
        }
        return Response.success(req.id(), ListWalk.list(snapshots.fresh().topology(), params));
    }
}
