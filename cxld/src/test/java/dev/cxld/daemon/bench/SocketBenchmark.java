package dev.cxld.daemon.bench;

import dev.cxld.daemon.Daemon;
import dev.cxld.daemon.config.CxldConfig;
import dev.cxld.daemon.server.Limits;
import dev.cxld.daemon.server.SocketServer;
import dev.cxld.daemon.testing.SyntheticSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a query costs over cxld's socket, beside what users run instead, in one run: cxld serving
 * a tree in its live mode (uevents, attribute watch), queried by 1, 8, 32 and 128 clients at once
 * (p50, p99, p999, queries/s, BUSY answers); ndctl's {@code cxl list} spawned once per query on
 * the same tree (as root, in a private mount namespace with the tree bound over {@code /sys});
 * {@code cxlctl} started cold once per query. Trees: the bundled capture ram3-committed (three
 * memdevs, from a 6.12 guest) and a synthetic tree of 1,000 memdevs (SyntheticSysfs). Prints the
 * table and writes it, with the machine, into BENCHMARKS.md between its socket-benchmark marks.
 * Asserts nothing.
 *
 * <pre>mvn -q -DskipTests install &amp;&amp; mvn -q -pl cxld exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.cxld.daemon.bench.SocketBenchmark [-Dexec.args="QUERIES_PER_LEVEL"]</pre>
 */
public final class SocketBenchmark {
    static final int[] CLIENTS = {1, 8, 32, 128};
    static final String[][] QUERIES = {
        {"list -M", "{\"id\":1,\"op\":\"list\",\"args\":{\"memdevs\":true}}\n"},
        {"list -vv", "{\"id\":1,\"op\":\"list\",\"args\":{\"verbose\":2}}\n"},
        {"status", "{\"id\":1,\"op\":\"status\"}\n"},
    };

    public static void main(String[] args) throws Exception {
        int perLevel = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path checkout = Path.of(System.getProperty("cxld.checkout", "..")).toAbsolutePath().normalize();
        Path tmp = Files.createTempDirectory("cxld-socket-bench");
        StringBuilder md = new StringBuilder();
        StringBuilder md2 = new StringBuilder();
        md.append("Machine: ").append(machine()).append("\n\n");
        md.append("| tree | query | ndctl `cxl list` (a process each) | cxlctl cold | cxld, 1 client p50/p99/p999 |"
                + " 8 clients | 32 clients | 128 clients | q/s at 32 | cxld vs ndctl (p50, 1 client) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        List<Object[]> trees = List.of(
                new Object[] {"ram3 capture (3 memdevs)", SysfsFixtures.install("ram3-committed", tmp)},
                new Object[] {"synthetic, 1,000 memdevs", SyntheticSysfs.write(tmp.resolve("syn"), 10, 100, 10)});
        for (Object[] tree : trees) {
            Path sys = (Path) tree[1];
            Files.createDirectories(sys.resolve("kernel"));
            Files.writeString(sys.resolve("kernel/uevent_seqnum"), "1\n");
            Path socket = tmp.resolve("s-" + sys.getFileName());
            Daemon d = new Daemon(new Daemon.Config(sys, socket, new Limits(256, 128, Duration.ofSeconds(60),
                    Duration.ofSeconds(10)), SocketServer.Exposure.OPEN, "cxl", Duration.ofSeconds(30), null, true,
                    sys.resolve("dev"), tmp.resolve("state-" + sys.getFileName()), Path.of("/proc"),
                    tmp.resolve("run-" + sys.getFileName()), CxldConfig.none()));
            Thread t = new Thread(d::serve, "bench-daemon");
            t.setDaemon(true);
            t.start();
            for (String[] q : QUERIES) {
                String flags = q[0].replace("list ", "");
                double ndctl = q[0].equals("status") ? Double.NaN : ndctl(sys, flags, 20);
                double cold = cxlctlCold(checkout, socket, q[0], 5);
                StringBuilder row = new StringBuilder();
                double p50one = 0;
                double qps32 = 0;
                for (int c : CLIENTS) {
                    Result r = load(socket, q[1], c, Math.max(perLevel, c * 4));
                    if (c == 1) {
                        p50one = r.p50;
                    }
                    if (c == 32) {
                        qps32 = r.qps;
                    }
                    row.append(String.format(" %.2f / %.2f / %.2f ms%s |", r.p50, r.p99, r.p999,
                            r.busy > 0 ? " (" + r.busy + " BUSY)" : ""));
                }
                String line = String.format("| %s | `%s` | %s | %.0f ms |%s %.0f | %s |%n", tree[0], q[0],
                        Double.isNaN(ndctl) ? "-" : String.format("%.1f ms", ndctl), cold, row, qps32,
                        Double.isNaN(ndctl) ? "-" : String.format("%.0fx cheaper", ndctl / p50one));
                System.out.print(line);
                md.append(line);
            }
            if (sys.getFileName().toString().equals("ram3-committed")) {
                md2.append(cycles(sys, socket, 200));
            }
            d.close();
        }
        md.append("\n").append(md2);
        md.append(processRss(checkout, (Path) trees.get(0)[1], tmp));
        md.append("\nndctl: `cxl list` of ").append(ndctlVersion())
                .append(", spawned in a private mount namespace with the tree bound over /sys, median of 20; cxlctl"
                        + " cold: `cli/bin/cxlctl` against the same daemon, median of 5. cxld runs in its live mode"
                        + " (uevents and the attribute watch), limits raised to 128 connections per user for the 128-client"
                        + " row. No 32-memdev capture is bundled yet: issue 12's figures on it are not reproduced here.\n");
        write(checkout.resolve("BENCHMARKS.md"), md.toString());
    }

    record Result(double p50, double p99, double p999, double qps, long busy) {}

    /**
     * {@code n} attach-region/detach-region cycles of mem2 (region1, alone) over one connection, as
     * root: each records the handoff durably (fsync, rename) and releases it. The capture's dax
     * device is set to device_dax first, as attach leaves it on a real kernel (making memory
     * private is a guest's to measure).
     */
    static String cycles(Path sys, Path socket, int n) throws Exception {
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                    StandardCharsets.UTF_8));
            byte[] attach = "{\"id\":1,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\"}}\n"
                    .getBytes(StandardCharsets.UTF_8);
            byte[] detach = "{\"id\":2,\"op\":\"detach-region\",\"args\":{\"target\":\"mem2\"}}\n"
                    .getBytes(StandardCharsets.UTF_8);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                c.write(ByteBuffer.wrap(attach));
                String a = in.readLine();
                c.write(ByteBuffer.wrap(detach));
                String b = in.readLine();
                if (a == null || b == null || !a.contains("\"ok\":true") || !b.contains("\"ok\":true")) {
                    return "attach/detach cycles: not measured (" + a + " / " + b + ")\n";
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String line = String.format("attach-region/detach-region cycles on the ram3 capture (one connection, each"
                    + " change fsync'd to the state file): %.0f per second (%d in %.2f s)%n", n / seconds, n, seconds);
            System.out.print(line);
            return line;
        }
    }

    /**
     * cxld's own resident memory, as {@code cxld/bin/cxld} runs it (its JVM options) on {@code sys}
     * in a process of its own: when ready (idle), and after 8 clients sent 2,000 {@code list -vv}.
     */
    static String processRss(Path checkout, Path sys, Path tmp) throws Exception {
        Path socket = tmp.resolve("rss.sock");
        Process p = new ProcessBuilder(checkout.resolve("cxld/bin/cxld").toString(), "--sysfs-root", sys.toString(),
                "--socket", socket.toString(), "--state-dir", tmp.resolve("rss-state").toString(), "--run-dir",
                tmp.resolve("rss-run").toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("rss.log").toFile()).start();
        try {
            long started = System.nanoTime();
            while (!Files.exists(socket) && System.nanoTime() - started < 30_000_000_000L) {
                Thread.sleep(5);
            }
            double ready = (System.nanoTime() - started) / 1e6;
            Thread.sleep(2000);
            long idle = rss(p.pid());
            load(socket, QUERIES[1][1], 8, 2000);
            long loaded = rss(p.pid());
            String line = String.format("cxld as a process of its own (cxld/bin/cxld on the ram3 capture): socket ready"
                    + " %.0f ms after the launcher started; RSS %.0f MiB idle, %.0f MiB after 8 clients sent 2,000"
                    + " `list -vv`.%n", ready, idle / 1024.0, loaded / 1024.0);
            System.out.print(line);
            return line;
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    /** VmRSS of process {@code pid}, in KiB. */
    static long rss(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0);
    }

    /** {@code clients} connections, each sending {@code total / clients} queries one after another. */
    static Result load(Path socket, String query, int clients, int total) throws Exception {
        int each = Math.max(1, total / clients);
        long[][] ns = new long[clients][each];
        AtomicLong busy = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        byte[] q = query.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < clients; i++) {
            int me = i;
            Thread t = new Thread(() -> {
                try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    c.connect(UnixDomainSocketAddress.of(socket));
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                            StandardCharsets.UTF_8), 1 << 20);
                    ready.countDown();
                    go.await();
                    for (int k = 0; k < each; k++) {
                        long t0 = System.nanoTime();
                        c.write(ByteBuffer.wrap(q));
                        String line = in.readLine();
                        ns[me][k] = System.nanoTime() - t0;
                        if (line == null || line.contains("\"BUSY\"")) {
                            busy.incrementAndGet();
                            return;
                        }
                    }
                } catch (Exception e) {
                    busy.incrementAndGet();
                    ready.countDown();
                }
            });
            t.start();
            threads.add(t);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(ns).flatMapToLong(Arrays::stream).filter(x -> x > 0).sorted().toArray();
        return new Result(pct(all, 0.5), pct(all, 0.99), pct(all, 0.999), all.length / seconds, busy.get());
    }

    static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    /** Median ms of {@code runs} spawns of {@code cxl list FLAGS} on {@code sys}; NaN when it cannot be run here. */
    static double ndctl(Path sys, String flags, int runs) throws Exception {
        if (!"root".equals(System.getProperty("user.name")) || !new java.io.File("/usr/bin/cxl").canExecute()) {
            return Double.NaN;
        }
        String script = "mount --bind '" + sys + "' /sys || exit 1; for i in $(seq " + runs + "); do"
                + " s=$(date +%s%N); cxl list " + flags + " > /dev/null 2>&1; e=$(date +%s%N);"
                + " echo $((e - s)); done";
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            System.err.println("ndctl not measured: " + out.strip());
            return Double.NaN;
        }
        long[] ns = out.lines().filter(l -> l.matches("\\d+")).mapToLong(Long::parseLong).sorted().toArray();
        return pct(ns, 0.5);
    }

    /** Median ms of {@code runs} cold starts of {@code cxlctl QUERY} against {@code socket}. */
    static double cxlctlCold(Path checkout, Path socket, String query, int runs) throws Exception {
        long[] ns = new long[runs];
        List<String> cmd = new ArrayList<>();
        cmd.add(checkout.resolve("cli/bin/cxlctl").toString());
        cmd.addAll(Arrays.asList(query.split(" ")));
        for (int i = 0; i < runs; i++) {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("CXLD_SOCKET", socket.toString());
            long t0 = System.nanoTime();
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            ns[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        return pct(ns, 0.5);
    }

    static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                + System.getProperty("java.version") + ", " + java.time.LocalDate.now();
    }

    static String ndctlVersion() {
        try {
            Process p = new ProcessBuilder("cxl", "--version").redirectErrorStream(true).start();
            return "ndctl " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "ndctl (not installed)";
        }
    }

    /** Replaces what stands between the socket-benchmark marks of BENCHMARKS.md (appends them once). */
    static void write(Path benchmarks, String table) throws IOException {
        String begin = "<!-- socket-benchmark: written by SocketBenchmark -->\n";
        String end = "<!-- /socket-benchmark -->\n";
        String text = Files.exists(benchmarks) ? Files.readString(benchmarks) : "# Benchmarks\n";
        int a = text.indexOf(begin);
        int b = text.indexOf(end);
        String section = begin + table + end;
        text = a >= 0 && b > a ? text.substring(0, a) + section + text.substring(b + end.length())
                : text + "\n## Queries over the socket, beside ndctl\n\n" + section;
        Files.writeString(benchmarks, text);
        System.out.println("written to " + benchmarks);
    }
}
