package dev.cxld.daemon;

import dev.cxld.daemon.server.Dispatcher;
import dev.cxld.daemon.server.Limits;
import dev.cxld.daemon.server.Status;
import dev.cxld.protocol.ProjectVersion;
import dev.cxld.protocol.Response;
import java.time.Clock;
import java.time.Instant;
import dev.cxld.daemon.server.Snapshots;
import dev.cxld.daemon.server.SocketServer;
import dev.cxld.daemon.sysfs.CxlSysfs;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** cxld wired by hand: sysfs reader → snapshots → dispatcher → socket server. */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** Everything the daemon is configured with. */
    public record Config(Path sysfsRoot, Path socket, Limits limits) {
        public Config(Path sysfsRoot, Path socket) {
            this(sysfsRoot, socket, Limits.DEFAULT);
        }
    }

    private final SocketServer server;

    public Daemon(Config config) throws IOException {
        Snapshots snapshots = new Snapshots(new CxlSysfs(config.sysfsRoot()));
        snapshots.current().errors().forEach(e -> LOG.warn("{}", e));
        Status.Daemon self = new Status.Daemon(ProjectVersion.get(), Response.PROTOCOL_VERSION,
                ProcessHandle.current().pid(), Instant.now(), System.getProperty("os.version"),
                config.sysfsRoot().toString());
        this.server = new SocketServer(config.socket(), new Dispatcher(snapshots, self, Clock.systemUTC()), config.limits());
        LOG.info("cxld serving {} ({} memdevs, {} regions under {})", config.socket(),
                snapshots.current().memdevs().size(), snapshots.current().regions().size(), config.sysfsRoot());
    }

    /** Serves until closed. */
    public void serve() {
        server.serve();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
