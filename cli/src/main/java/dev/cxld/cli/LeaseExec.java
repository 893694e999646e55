package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code attach-region --exec}: a connection lease whose holder is a command. cxld grants this
 * cxlctl's user the region's {@code /dev/daxX.Y} for the lease; a shell opens it read-write as
 * descriptor 3 and execs the command, which inherits it with the handoff in its environment
 * ({@code LISTEN_FDS=1}, {@code LISTEN_PID}, {@code LISTEN_FDNAMES=daxX.Y}, as systemd passes
 * sockets; {@code CXLD_HANDOFF}, {@code CXLD_DAX_DEVICE}, {@code CXLD_DAX_FD=3}). The lease lasts
 * until the command exits (cxlctl then exits with its status) or cxld ends it (the command gets
 * SIGTERM, then SIGKILL after {@link #GRACE_SECONDS}, and cxlctl exits 11; 3 when cxld went away).
 * The JDK cannot pass a descriptor to a child itself, hence the shell.
 */
final class LeaseExec {
    static final int GRACE_SECONDS = 10;
    /** 126: the device could not be opened, 127: the command could not be run (as a shell has them). */
    static final int CANNOT_OPEN = 126;
    static final int CANNOT_RUN = 127;
    /** $1 the device, the command and its arguments after it. */
    static final String SCRIPT = "command exec 3<>\"$1\" || { echo \"cxlctl attach-region --exec: cannot open $1"
            + " read-write\" >&2; exit 126; }\nshift\nLISTEN_PID=$$\nexport LISTEN_PID\nexec \"$@\"\n";

    private final DaemonClient client;
    private final PrintWriter err;

    LeaseExec(DaemonClient client, PrintWriter err) {
        this.client = client;
        this.err = err;
    }

    /** The answer when cxld refused; otherwise runs {@code command} for the lease and answers the exit status. */
    int run(ObjectNode args, List<String> command, java.util.function.Function<Response, Integer> refused)
            throws IOException {
        args.put("lease", "connection").put("grant", true);
        CompletableFuture<Response> answer = new CompletableFuture<>();
        CompletableFuture<JsonNode> end = new CompletableFuture<>(); // the event that ended it; null: cxld went away
        AtomicReference<SocketChannel> connection = new AtomicReference<>();
        Thread holder = new Thread(() -> {
            try {
                client.stream(Request.ATTACH_REGION, args, answer::complete, event -> {
                    end.complete(event);
                    return false;
                }, connection::set);
            } catch (IOException e) {
                answer.completeExceptionally(e);
            } finally {
                end.complete(null);
            }
        }, "cxlctl-lease");
        holder.setDaemon(true);
        holder.start();
        Response r = await(answer);
        if (!r.ok()) {
            return refused.apply(r);
        }
        JsonNode h = r.result();
        String device = h.path("private_memory").path("device").asText();
        Process child;
        try {
            child = start(h, device, command);
        } catch (IOException e) {
            err.println("cxlctl attach-region: cannot run " + command.get(0) + ": " + e.getMessage()
                    + "; the lease of " + h.path("region").asText() + " is released");
            err.flush();
            close(connection.get());
            return CANNOT_RUN;
        }
        CompletableFuture<Integer> exited = child.onExit().thenApply(Process::exitValue);
        CompletableFuture.anyOf(exited, end).join();
        if (exited.isDone()) {
            close(connection.get()); // the lease ends with the command
            return exited.join();
        }
        JsonNode event = end.join();
        err.println("cxlctl attach-region: the lease of " + h.path("region").asText() + " ended: "
                + (event == null ? "cxld closed the connection holding it" : AttachRegionCommand.ending(event))
                + "; stopping " + command.get(0) + " (pid " + child.pid() + ")");
        err.flush();
        stop(child);
        return event == null ? ExitCodes.UNREACHABLE : ExitCodes.LEASE_ENDED;
    }

    private static Process start(JsonNode h, String device, List<String> command) throws IOException {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "cxlctl-exec", device));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        Map<String, String> env = pb.environment();
        env.remove("LISTEN_PID");
        env.put("LISTEN_FDS", "1");
        env.put("LISTEN_FDNAMES", h.path("private_memory").path("dax").asText());
        env.put("CXLD_HANDOFF", h.toString());
        env.put("CXLD_DAX_DEVICE", device);
        env.put("CXLD_DAX_FD", "3");
        return pb.start();
    }

    private static void stop(Process child) {
        child.destroy();
        try {
            if (!child.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void close(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static Response await(CompletableFuture<Response> answer) throws IOException {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new UncheckedIOException(new IOException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for cxld", e);
        }
    }
}
