package dev.cxld.daemon.bench;

import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.live.Uevent;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SyntheticSysfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * What a request costs cxld before it can answer, on a synthetic tree of N memdevs (default 1000:
 * 10 host bridges x 100, a region on every 10th): a full rescan (what a captured tree or a lost
 * uevent costs), the per-request refresh on a live /sys with no uevent pending, without the
 * attribute watch (region, decoder and port configuration read again, memdevs and the device list
 * reused) and with it (nothing read when nothing was written), the refresh after one decoder's
 * and after one region's attribute was written (with the watch), and after a uevent for one
 * memdev. Prints medians and writes them into BENCHMARKS.md; asserts nothing. Run by
 * {@code test/bench/run}.
 */
public final class RefreshBenchmark {
    private static final StringBuilder TABLE = new StringBuilder();

    public static void main(String[] args) throws Exception {
        int memdevs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path checkout = Path.of(System.getProperty("cxld.checkout", "..")).toAbsolutePath().normalize();
        Path tmp = BenchmarkFile.scratch("cxld-bench");
        Path sys = SyntheticSysfs.write(tmp.resolve("sys"), 10, memdevs / 10, 10);
        Path seqnum = sys.resolve("kernel/uevent_seqnum");
        Files.createDirectories(seqnum.getParent());
        Files.writeString(seqnum, "1\n");
        CxlSysfs sysfs = new CxlSysfs(sys);
        EventBus bus = new EventBus(Clock.systemUTC());
        Snapshots live = new Snapshots(sysfs, Clock.systemUTC(), bus, true);
        dev.cxld.daemon.sysfs.AttributeWatch watch = dev.cxld.daemon.sysfs.AttributeWatch.open();
        Snapshots exact = new Snapshots(new CxlSysfs(sys, watch), Clock.systemUTC(), bus, true, watch);
        Snapshots rescanning = new Snapshots(sysfs, Clock.systemUTC(), bus);
        String tree = String.format("synthetic tree: %d memdevs, %d decoders, %d regions, %d ports",
                live.current().topology().memdevs().size(), live.current().topology().decoders().size(),
                live.current().topology().regions().size(), live.current().topology().ports().size());
        System.out.println(tree);
        TABLE.append("Machine: ").append(BenchmarkFile.machine()).append("; ").append(tree).append(", medians of 15 after"
                + " 5 warm-up rounds, in one JVM\n\n| what a request costs before cxld answers | median | min | max |\n"
                + "|---|---|---|---|\n");
        for (int warm = 0; warm < 5; warm++) {
            rescanning.fresh();
            live.fresh();
            exact.fresh();
        }
        report("full scan (a tree not followed, or uevents lost)", 15, rescanning::fresh);
        report("request on live /sys, no uevent pending", 15, live::fresh);
        report("the same with the attribute watch (nothing written)", 15, exact::fresh);
        String decoder = exact.current().topology().decoders().stream()
                .filter(d -> d.kind() == dev.cxld.protocol.model.DecoderKind.ENDPOINT).findFirst().orElseThrow().decoder();
        String region = exact.current().topology().regions().get(0).region();
        report("with the watch, after one decoder attribute write", 15, () -> {
            write(sys, decoder, "dpa_size", "0x0");
            exact.fresh();
        });
        report("with the watch, after one region attribute write", 15, () -> {
            write(sys, region, "interleave_granularity", "256");
            exact.fresh();
        });
        long[] seq = {1};
        for (Snapshots s : new Snapshots[] {live, exact}) {
            report("request after a uevent for one memdev" + (s == exact ? " (watch)" : ""), 15, () -> {
                seq[0]++;
                try {
                    Files.writeString(seqnum, seq[0] + "\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                s.uevent(new Uevent("change", "/devices/x/mem5", "cxl", seq[0], Map.of()));
                s.fresh();
            });
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        String heap = String.format("Heap in use after the runs (three snapshot holders of the tree): %.1f MiB.%n",
                (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        System.out.print(heap);
        TABLE.append("\n").append(heap);
        BenchmarkFile.write(checkout.resolve("BENCHMARKS.md"), "refresh-benchmark", "Refreshes", TABLE.toString());
    }

    static void write(Path sys, String object, String attribute, String value) {
        try {
            Files.writeString(sys.resolve("bus/cxl/devices").resolve(object).toRealPath().resolve(attribute), value + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void report(String what, int runs, Runnable r) {
        long[] ms = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t) / 1000;
        }
        Arrays.sort(ms);
        System.out.printf("%-52s median %8.2f ms   min %8.2f ms   max %8.2f ms%n", what,
                ms[runs / 2] / 1000.0, ms[0] / 1000.0, ms[runs - 1] / 1000.0);
        TABLE.append(String.format("| %s | %.2f ms | %.2f ms | %.2f ms |%n", what, ms[runs / 2] / 1000.0, ms[0] / 1000.0,
                ms[runs - 1] / 1000.0));
    }
}
