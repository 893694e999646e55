package dev.cxld.daemon.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** BENCHMARKS.md's generated sections, each between its marks, and the machine they were measured on. */
final class BenchmarkFile {
    private BenchmarkFile() {}

    /** Replaces what stands between the marks of section {@code name} (appends it, under {@code title}, once). */
    static void write(Path benchmarks, String name, String title, String body) throws IOException {
        String begin = "<!-- " + name + ": written by test/bench/run -->\n";
        String end = "<!-- /" + name + " -->\n";
        String text = Files.exists(benchmarks) ? Files.readString(benchmarks) : "# Benchmarks\n";
        int a = text.indexOf(begin);
        int b = text.indexOf(end);
        String section = begin + body + end;
        text = a >= 0 && b > a ? text.substring(0, a) + section + text.substring(b + end.length())
                : text + "\n## " + title + "\n\n" + section;
        Files.writeString(benchmarks, text);
        System.out.println("written to " + benchmarks + " (" + name + ")");
    }

    static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        String os = Files.exists(Path.of("/etc/debian_version"))
                ? "Debian " + Files.readString(Path.of("/etc/debian_version")).strip() + ", " : "";
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ") + ", " + os
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                + System.getProperty("java.version") + ", " + java.time.LocalDate.now();
    }

    /** Where a benchmark makes its trees: tmpfs when there is one (unpacking thousands of files to a disk is slow). */
    static Path scratch(String name) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, name)
                : Files.createTempDirectory(name);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
