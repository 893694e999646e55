package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.Daemon;
import dev.cxld.daemon.sysfs.capture.CaptureTree;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The real daemon in this JVM, serving a captured tree (materialized under {@code dir}) on
 * {@code dir/s}, and cxlctl calls to it that must succeed. For tests that read what cxld prints.
 */
final class FixtureDaemon implements AutoCloseable {
    final Path dir;
    final Daemon daemon;
    private final Thread serving;

    /** Serves {@code fixture} (a directory under test resources' sysfs/) as {@code configure} makes it. */
    FixtureDaemon(Path dir, String fixture, java.util.function.UnaryOperator<Daemon.Config> configure) throws Exception {
        this.dir = dir;
        Path sys = dir.resolve("sys");
        CaptureTree.materialize(Path.of(FixtureDaemon.class.getClassLoader().getResource("sysfs/" + fixture).toURI()), sys);
        daemon = new Daemon(configure.apply(new Daemon.Config(sys, socket())));
        serving = new Thread(daemon::serve, "test-daemon");
        serving.start();
    }

    FixtureDaemon(Path dir, String fixture) throws Exception {
        this(dir, fixture, c -> c);
    }

    Path socket() {
        return dir.resolve("s");
    }

    /** What {@code cxlctl ARGS} prints, asserting it exits 0. */
    String cxlctl(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = CxlCtl.commandLine(new CxlCtl());
        cl.setOut(new PrintWriter(out));
        List<String> all = new ArrayList<>(List.of("--socket", socket().toString()));
        all.addAll(List.of(args));
        assertThat(cl.execute(all.toArray(String[]::new))).as(String.join(" ", args)).isZero();
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        daemon.close();
        serving.join(5000);
    }
}
