package dev.cxld.daemon.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * cxld as users run it, {@code cxld/bin/cxld} (its JVM options and class-data-sharing archive), in
 * a process of its own, following a tree as a live sysfs ({@code --follow}).
 */
final class CxldProcess implements AutoCloseable {
    final Path socket;
    final Process process;
    /** From the launcher's start to the first answered request. */
    final double readyMs;

    private CxldProcess(Path socket, Process process, double readyMs) {
        this.socket = socket;
        this.process = process;
        this.readyMs = readyMs;
    }

    static CxldProcess start(Path checkout, Path sys, Path dir, String... more) throws Exception {
        Files.createDirectories(dir);
        Path socket = dir.resolve("cxld.sock");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                checkout.resolve("cxld/bin/cxld").toString(), "--sysfs-root", sys.toString(), "--follow",
                "--socket", socket.toString(), "--state-dir", dir.resolve("state").toString(), "--run-dir",
                dir.resolve("run").toString(), "--dev-root", dir.resolve("dev").toString(), "--tracefs", "none"));
        cmd.addAll(java.util.List.of(more));
        long started = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("cxld.log").toFile())
                .start();
        while (!answers(socket)) {
            if (!p.isAlive() || System.nanoTime() - started > 60_000_000_000L) {
                p.destroy();
                throw new IOException("cxld did not start: " + Files.readString(dir.resolve("cxld.log")));
            }
            Thread.sleep(2);
        }
        return new CxldProcess(socket, p, (System.nanoTime() - started) / 1e6);
    }

    private static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            c.write(ByteBuffer.wrap("{\"id\":1,\"op\":\"hello\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return c.read(ByteBuffer.allocate(256)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** VmRSS in MiB. */
    double rssMiB() throws IOException {
        return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst().orElse(0) / 1024.0;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
