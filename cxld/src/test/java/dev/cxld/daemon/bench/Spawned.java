package dev.cxld.daemon.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Commands started once per query, as a script would: ndctl's {@code cxl list}, {@code cxlctl}, {@code java}. */
final class Spawned {
    private Spawned() {}

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
        String out = BenchmarkFile.utf8(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            System.err.println("ndctl not measured: " + out.strip());
            return Double.NaN;
        }
        long[] ns = out.lines().filter(l -> l.matches("\\d+")).mapToLong(Long::parseLong).sorted().toArray();
        return Load.pct(ns, 0.5);
    }

    /** Median ms of {@code runs} cold starts of {@code cxlctl QUERY} against {@code socket}. */
    static double cxlctl(Path checkout, Path socket, String query, int runs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(checkout.resolve("cli/bin/cxlctl").toString());
        cmd.addAll(Arrays.asList(query.split(" ")));
        return median(cmd, runs, socket);
    }

    /** {@code cxlctl --version} cold beside {@code java -version} with the launcher's JVM options: the floor. */
    static String versions(Path checkout) throws Exception {
        double cxlctl = median(List.of(checkout.resolve("cli/bin/cxlctl").toString(), "--version"), 11, null);
        double java = median(List.of("java", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
                "-XX:CompileThresholdScaling=5", "-XX:-UsePerfData", "-Xshare:auto", "-version"),
                11, null);
        String line = String.format("`cxlctl --version` cold: %.0f ms; `java -version` with the launcher's JVM options:"
                + " %.0f ms (medians of 11).%n", cxlctl, java);
        System.out.print(line);
        return line;
    }

    private static double median(List<String> cmd, int runs, Path socket) throws Exception {
        long[] ns = new long[runs];
        for (int i = 0; i < runs; i++) {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (socket != null) {
                pb.environment().put("CXLD_SOCKET", socket.toString());
            }
            long t0 = System.nanoTime();
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            p.waitFor();
            ns[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        return Load.pct(ns, 0.5);
    }

    static String ndctlVersion() {
        try {
            Process p = new ProcessBuilder("cxl", "--version").redirectErrorStream(true).start();
            return "ndctl " + BenchmarkFile.utf8(p.getInputStream().readAllBytes()).strip();
        } catch (IOException e) {
            return "ndctl (not installed)";
        }
    }
}
