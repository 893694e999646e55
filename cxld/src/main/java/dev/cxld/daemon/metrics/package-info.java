/**
 * Metrics for Prometheus (a service): the counters and gauges cxld keeps in the official client's
 * registry, their text exposition, the node-exporter textfile and the Node Feature Discovery
 * feature file. The socket's {@code metrics} operation and the HTTP listener serve {@link
 * dev.cxld.daemon.metrics.Metrics#text()}; nothing here opens a socket.
 */
package dev.cxld.daemon.metrics;
