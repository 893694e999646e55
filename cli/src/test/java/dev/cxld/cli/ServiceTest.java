package dev.cxld.cli;

import static dev.cxld.daemon.testing.Prerequisites.require;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.Daemon;
import dev.cxld.daemon.server.Limits;
import dev.cxld.daemon.server.SocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What orchestration reads, from the real daemon over a captured tree: the metrics (through the
 * socket, the textfile and HTTP alike), parsed by the Prometheus project's own Python parser, and
 * the Node Feature Discovery file.
 */
class ServiceTest {
    @TempDir Path tmp;
    FixtureDaemon d;
    Daemon daemon;

    @AfterEach
    void stop() throws Exception {
        if (d != null) {
            d.close();
        }
    }

    void start(String fixture, Daemon.Exported exported) throws Exception {
        d = new FixtureDaemon(tmp, fixture, base -> new Daemon.Config(base.sysfsRoot(), base.socket(), Limits.DEFAULT,
                SocketServer.Exposure.OPEN, "cxl", Duration.ofSeconds(30), null, false, base.devRoot(), base.stateDir(),
                base.procRoot(), base.runDir(), base.settings(), null, exported));
        daemon = d.daemon;
    }

    String cxlctl(String... args) {
        return d.cxlctl(args);
    }

    /** The families and samples the Prometheus client library for Python reads from {@code text}. */
    static String parsed(String text) throws Exception {
        require(new ProcessBuilder("/usr/bin/python3", "-c", "import prometheus_client").start().waitFor() == 0,
                "needs python3-prometheus-client (test/install-deps installs it)");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
                "import sys",
                "from prometheus_client.parser import text_string_to_metric_families",
                "for f in text_string_to_metric_families(sys.stdin.read()):",
                "    for s in f.samples:",
                "        print(f.type, s.name, sorted(s.labels.items()), s.value)")).redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the Prometheus parser on:\n" + text + "\nsaid:\n" + out).isZero();
        return out;
    }

    @Test
    void metricsParseAndCountWhatTheTreeHolds() throws Exception {
        start("ram3-committed", Daemon.Exported.NONE);
        cxlctl("list", "-M");
        cxlctl("status");
        String text = cxlctl("metrics");
        String samples = parsed(text);
        assertThat(samples).contains("gauge cxld_memdevs [('state', 'enabled')] 3.0",
                "gauge cxld_memdevs [('state', 'disabled')] 0.0",
                "gauge cxld_regions [('state', 'committed'), ('type', 'ram')] 2.0",
                "gauge cxld_handoffs [('state', 'active')] 0.0",
                "counter cxld_requests_total [('code', 'ok'), ('op', 'list')] 1.0",
                "counter cxld_requests_total [('code', 'ok'), ('op', 'status')] 1.0",
                "histogram cxld_request_duration_seconds_count [('op', 'list')] 1.0",
                "counter cxld_uevents_total [] 0.0");
        assertThat(samples).containsPattern("gauge cxld_capacity_bytes \\[\\('state', 'in_regions'\\), \\('type', 'ram'\\)\\] [1-9]");
        assertThat(text).contains("# TYPE cxld_requests_total counter", "# HELP cxld_memdevs ");
        // a request for an operation cxld does not serve is counted under one label, whatever its name
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(tmp.resolve("s")))) {
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    java.nio.channels.Channels.newInputStream(ch), StandardCharsets.UTF_8));
            for (String op : new String[] {"no-such-op", "another-one"}) {
                ch.write(java.nio.ByteBuffer.wrap(("{\"id\":1,\"op\":\"" + op + "\"}\n").getBytes(StandardCharsets.UTF_8)));
                assertThat(in.readLine()).contains("UNKNOWN_OPERATION");
            }
        }
        assertThat(parsed(cxlctl("metrics"))).contains("counter cxld_requests_total [('code', 'ok'), ('op', 'metrics')] 1.0",
                "counter cxld_requests_total [('code', 'unknown_operation'), ('op', 'unknown')] 2.0");
    }

    @Test
    void theTextfileTheListenerAndTheFeatureFile() throws Exception {
        Path prom = tmp.resolve("textfile/cxld.prom");
        Path features = tmp.resolve("features.d/cxld");
        start("ram3-committed", new Daemon.Exported(prom, new java.net.InetSocketAddress("127.0.0.1", 0), features,
                Duration.ofSeconds(1)));
        assertThat(parsed(Files.readString(prom))).contains("gauge cxld_memdevs [('state', 'enabled')] 3.0");
        assertThat(Files.readString(features)).contains("cxl.present=true\n", "cxl.memdevs=3\n", "cxl.regions=2\n",
                "cxl.handoffs-active=0\n");
        for (String line : Files.readAllLines(features)) {
            if (!line.startsWith("#")) {
                assertThat(line).as("an NFD label name=value").matches("[a-z0-9.-]{1,63}=[A-Za-z0-9._-]{0,63}");
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.metricsPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("version=0.0.4"));
        assertThat(parsed(r.body())).contains("gauge cxld_memdevs [('state', 'enabled')] 3.0");
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.metricsPort()
                + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
        // rewritten: no temporary file left beside it
        Thread.sleep(2500);
        try (var s = Files.list(prom.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("cxld.prom");
        }
    }
}
