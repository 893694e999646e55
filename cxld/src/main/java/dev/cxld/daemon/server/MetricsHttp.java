package dev.cxld.daemon.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional HTTP listener for Prometheus: {@code GET /metrics} answers the text exposition
 * format, anything else 404. Off unless {@code metrics-listen} is set; a port alone listens on
 * localhost. One thread: a scrape is cheap and Prometheus scrapes one at a time.
 */
public final class MetricsHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttp.class);
    private final HttpServer http;

    public MetricsHttp(InetSocketAddress address, Supplier<String> text, String contentType) throws IOException {
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new IOException("metrics-listen " + address.getHostString() + ":" + address.getPort()
                    + ": cannot listen: " + e.getMessage() + (e instanceof java.net.SocketException
                    ? " (under systemd, cxld.service allows AF_INET and AF_INET6 only with a drop-in: see cxld(8))" : ""), e);
        }
        http.createContext("/", exchange -> {
            try (exchange) {
                byte[] body;
                int code;
                if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                    body = "cxld serves /metrics only\n".getBytes(StandardCharsets.UTF_8);
                    code = 404;
                } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    body = "GET /metrics\n".getBytes(StandardCharsets.UTF_8);
                    code = 405;
                } else {
                    body = text.get().getBytes(StandardCharsets.UTF_8);
                    code = 200;
                    exchange.getResponseHeaders().set("Content-Type", contentType);
                }
                if (code != 200) {
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                }
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(code, head ? -1 : body.length);
                if (!head) {
                    try (OutputStream o = exchange.getResponseBody()) {
                        o.write(body);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("metrics over HTTP failed", e);
            }
        });
        http.start();
        LOG.info("serving metrics on http://{}:{}/metrics", address.getHostString(), http.getAddress().getPort());
    }

    /** The port listened on (the one asked for, or the one the kernel chose for 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
