package dev.cxld.daemon.bench;

import dev.cxld.daemon.testing.SyntheticSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a query costs over cxld's socket, beside what users run instead, in one run. For each tree,
 * cxld runs as users run it ({@code cxld/bin/cxld}, a process of its own, following the tree as a
 * live sysfs: uevents and the attribute watch) and is queried by 1, 8, 32 and 128 clients at once
 * from this JVM (p50, p99, p999, queries/s, BUSY answers); ndctl's {@code cxl list} is spawned once
 * per query on the same tree (as root, in a private mount namespace with the tree bound over
 * {@code /sys}); {@code cxlctl} is started cold once per query. Trees: the captures ram3-committed
 * (3 memdevs) and switch32-committed (32 memdevs: 4 host bridges x 2 root ports x 4-port switches,
 * 258 CXL devices), both from 6.12 guests, and a synthetic tree of 1,000 memdevs (SyntheticSysfs).
 * Also cxld's start to ready and RSS (idle, after load), attach/detach cycles per second, and
 * {@code cxlctl --version} beside {@code java -version}. Prints the tables and writes them, with the
 * machine, into BENCHMARKS.md. Asserts nothing. Run by {@code test/bench/run}.
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
        Path tmp = BenchmarkFile.scratch("cxld-socket-bench");
        StringBuilder md = new StringBuilder();
        StringBuilder processes = new StringBuilder();
        StringBuilder more = new StringBuilder();
        md.append("Machine: ").append(BenchmarkFile.machine()).append("\n\n");
        md.append("| tree | query | ndctl `cxl list` (a process each) | cxlctl cold | cxld, 1 client p50/p99/p999 |"
                + " 8 clients | 32 clients | 128 clients | q/s at 32 | cxld (1 client) vs ndctl, p50 | cxlctl cold vs ndctl |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        processes.append("| tree | cxld start to ready | RSS idle | RSS after the queries above |\n|---|---|---|---|\n");
        StringBuilder agents = new StringBuilder("| tree | query | 32 clients, each one query every 10 ms: p50 / p99 / p999 |"
                + " queries/s |\n|---|---|---|---|\n");
        Path ram3 = SysfsFixtures.install("ram3-committed", tmp);
        SysfsFixtures.bindDax(ram3, "region1", "dax1.0", "device_dax"); // as attach leaves it (cycles below)
        List<Object[]> trees = List.of(
                new Object[] {"ram3 capture (3 memdevs)", ram3},
                new Object[] {"switch32 capture (32 memdevs)", SysfsFixtures.install("switch32-committed", tmp)},
                new Object[] {"synthetic, 1,000 memdevs", SyntheticSysfs.write(tmp.resolve("syn"), 10, 100, 10)});
        for (Object[] tree : trees) {
            Path sys = (Path) tree[1];
            Files.createDirectories(sys.resolve("kernel"));
            Files.writeString(sys.resolve("kernel/uevent_seqnum"), "1\n");
            try (CxldProcess d = CxldProcess.start(checkout, sys, tmp.resolve("d-" + sys.getFileName()),
                    "--max-connections-per-user", "128")) {
                Thread.sleep(2000);
                double idle = d.rssMiB();
                for (String[] q : QUERIES) {
                    String flags = q[0].replace("list ", "");
                    double ndctl = q[0].equals("status") ? Double.NaN : Spawned.ndctl(sys, flags, 20);
                    double cold = Spawned.cxlctl(checkout, d.socket, q[0], 7);
                    StringBuilder row = new StringBuilder();
                    double p50one = 0;
                    double qps32 = 0;
                    for (int c : CLIENTS) {
                        Load.Result r = Load.run(d.socket, q[1], c, Math.max(perLevel, c * 4));
                        if (c == 1) {
                            p50one = r.p50();
                        }
                        if (c == 32) {
                            qps32 = r.qps();
                        }
                        row.append(String.format(" %.2f / %.2f / %.2f ms%s |", r.p50(), r.p99(), r.p999(),
                                r.busy() > 0 ? " (" + r.busy() + " BUSY)" : ""));
                    }
                    String line = String.format("| %s | `%s` | %s | %.0f ms |%s %.0f | %s | %s |%n", tree[0], q[0],
                            Double.isNaN(ndctl) ? "-" : String.format("%.1f ms", ndctl), cold, row, qps32,
                            Double.isNaN(ndctl) ? "-" : String.format("%.0fx cheaper", ndctl / p50one),
                            Double.isNaN(ndctl) ? "-" : String.format("%.1fx", cold / ndctl));
                    System.out.print(line);
                    md.append(line);
                }
                for (String[] q : new String[][] {QUERIES[0], QUERIES[2]}) {
                    Load.Result r = Load.paced(d.socket, q[1], 32, 10, 200);
                    String line = String.format("| %s | `%s` | %.2f / %.2f / %.2f ms%s | %.0f |%n", tree[0], q[0], r.p50(),
                            r.p99(), r.p999(), r.busy() > 0 ? " (" + r.busy() + " BUSY)" : "", r.qps());
                    System.out.print(line);
                    agents.append(line);
                }
                String line = String.format("| %s | %.0f ms | %.0f MiB | %.0f MiB |%n", tree[0], d.readyMs, idle, d.rssMiB());
                System.out.print(line);
                processes.append(line);
                if (sys == ram3) {
                    more.append(cycles(d.socket, 200));
                }
            }
        }
        more.append(Spawned.versions(checkout));
        md.append("\n").append(agents).append("\n").append(processes).append("\n").append(more);
        md.append("\nndctl: `cxl list` of ").append(Spawned.ndctlVersion())
                .append(", spawned in a private mount namespace with the tree bound over /sys, median of 20. cxlctl"
                        + " cold: `cli/bin/cxlctl` against the same daemon, median of 7. cxld: `cxld/bin/cxld --follow`"
                        + " (its launcher's JVM options: serial collector, C1 only, its class-data-sharing archive, a"
                        + " 16 MiB initial heap that gives memory back, no -Xmx), 128 connections per user allowed for the 128-client row; the clients are threads of"
                        + " one other JVM on the same two cores.\n");
        BenchmarkFile.write(checkout.resolve("BENCHMARKS.md"), "socket-benchmark", "Queries over the socket, beside ndctl",
                md.toString());
    }

    /**
     * {@code n} attach-region/detach-region cycles of mem2 (region1, alone) over one connection, as
     * root: each records the handoff durably (fsync, rename) and releases it. The capture's dax
     * device is set to device_dax first, as attach leaves it on a real kernel (making memory
     * private is a guest's to measure).
     */
    static String cycles(Path socket, int n) throws Exception {
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
}
