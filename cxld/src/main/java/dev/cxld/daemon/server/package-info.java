/**
 * The local Unix socket and what answers on it: {@code SocketServer} (connections, limits, line
 * framing), {@code Operations} (the operation table: each operation once, with whether it only reads
 * and its handler), {@code Dispatcher} (parse, authorize, route), {@code Access} and
 * {@code PeerReader} (who the peer is and what it may do), {@code Args} (typed request arguments),
 * {@code Status}, {@code Hooks} (what the entry layer serves: reload, metrics), {@code MetricsHttp}
 * (the optional HTTP listener for Prometheus). Handlers only route; what an operation does lives in its service.
 */
package dev.cxld.daemon.server;
