package dev.cxld.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a script in a QEMU guest through {@code test/vm/cxlvm} and hands back what came out. */
final class GuestVm {
    /** What a guest run returned. */
    record Result(int exitCode, String stdout, String stderr, long millis) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + millis + " ms\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /**
     * The moments a guest script stamped (lib/cxld.sh's {@code stamp}): each line of
     * {@code out/times.txt} is "NAME EPOCH_SECONDS.NANOS".
     */
    static java.util.Map<String, java.time.Instant> times(Path out) throws IOException {
        java.util.Map<String, java.time.Instant> times = new java.util.HashMap<>();
        for (String line : Files.readAllLines(out.resolve("times.txt"))) {
            String[] f = line.split(" ");
            java.math.BigDecimal s = new java.math.BigDecimal(f[1]);
            times.put(f[0], java.time.Instant.ofEpochSecond(s.longValue(),
                    s.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue()));
        }
        return times;
    }

    /**
     * The part of a cxld log from the mark of scenario {@code n} that guest script {@code script}
     * wrote ({@code --- SCRIPT: scenario N}) to its next mark.
     */
    static String scenario(String log, String script, String n) {
        String mark = "--- " + script + ": scenario ";
        int from = log.indexOf(mark + n + "\n");
        org.assertj.core.api.Assertions.assertThat(from).as("mark " + n + " in " + log).isNotNegative();
        int to = log.indexOf(mark, from + 1);
        return log.substring(from, to < 0 ? log.length() : to);
    }

    static Path checkout() {
        String dir = System.getProperty("cxld.checkout");
        if (dir == null) {
            throw new IllegalStateException("system property cxld.checkout is not set (run through Maven failsafe)");
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /** Runs {@code script} (relative to the checkout) in a guest of {@code topology}. */
    static Result run(String topology, int timeoutSeconds, Path out, String script, String... args)
            throws IOException, InterruptedException {
        return run(java.util.Map.of(), topology, timeoutSeconds, out, script, args);
    }

    /** {@link #run(String, int, Path, String, String...)} with {@code env} added to cxlvm's environment. */
    static Result run(java.util.Map<String, String> env, String topology, int timeoutSeconds, Path out, String script,
            String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                checkout().resolve("test/vm/cxlvm").toString(), "-t", topology, "-T", Integer.toString(timeoutSeconds)));
        if (out != null) {
            cmd.add("-o");
            cmd.add(out.toString());
        }
        cmd.add(script);
        cmd.addAll(List.of(args));
        Path tmp = Files.createTempDirectory("guestvm");
        try {
            Path stdout = tmp.resolve("stdout");
            Path stderr = tmp.resolve("stderr");
            long start = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            Process p = pb
                    .directory(checkout().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            // cxlvm bounds the guest itself; this only guards against the harness hanging.
            if (!p.waitFor(timeoutSeconds + 60L, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("cxlvm did not return within " + (timeoutSeconds + 60) + " s: " + cmd);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            Result r = new Result(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8), millis);
            System.out.printf("[vm] %s %s: exit %d in %d ms%n", topology, script, r.exitCode(), millis);
            return r;
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
