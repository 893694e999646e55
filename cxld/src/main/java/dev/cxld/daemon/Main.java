package dev.cxld.daemon;

import dev.cxld.daemon.command.CaptureCommand;
import dev.cxld.daemon.command.CaptureMailboxCommand;
import dev.cxld.daemon.command.ListCommand;
import dev.cxld.daemon.command.MaterializeCommand;
import dev.cxld.daemon.config.ConfigException;
import dev.cxld.daemon.config.CxldConfig;
import dev.cxld.daemon.errors.IoErrors;
import dev.cxld.protocol.ProjectVersion;
import dev.cxld.protocol.SocketPath;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Entry point of the cxld program: argv to a command, and the process exit code. */
@Command(
        name = "cxld",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = "Userspace CXL management daemon. Without a command, cxld reads the CXL topology from sysfs "
                + "and serves it as newline-delimited JSON on a Unix socket (see protocol/README.md); cxlctl is "
                + "its client. The commands below work without a daemon.",
        subcommands = {ListCommand.class, CaptureCommand.class, MaterializeCommand.class, CaptureMailboxCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {
    static final String DEFAULT_CONFIG = "/etc/cxld/cxld.conf";
    /** sysexits.h's EX_CONFIG: the configuration is wrong (systemd's RestartPreventExitStatus= may name it). */
    static final int EX_CONFIG = 78;

    @Spec CommandSpec spec;

    @picocli.CommandLine.Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "/sys",
            description = "sysfs to read (default: ${DEFAULT-VALUE}); a captured tree works too")
    Path sysfsRoot;

    @picocli.CommandLine.Option(names = "--socket", paramLabel = "PATH",
            defaultValue = SocketPath.OPTION_DEFAULT,
            description = "Unix socket to serve (default: $" + SocketPath.ENVIRONMENT + " or " + SocketPath.DEFAULT + ")")
    Path socket;

    @picocli.CommandLine.Option(names = "--max-connections", paramLabel = "N", defaultValue = "256",
            description = "connections open at once (default: ${DEFAULT-VALUE}); more are answered BUSY")
    int maxConnections;

    @picocli.CommandLine.Option(names = "--max-connections-per-user", paramLabel = "N", defaultValue = "64",
            description = "connections open at once from one user (default: ${DEFAULT-VALUE})")
    int maxPerUser;

    @picocli.CommandLine.Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "close a connection idle this long (default: ${DEFAULT-VALUE})")
    long idleSeconds;

    @picocli.CommandLine.Option(names = "--read-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "close a connection that takes longer to send one request line (default: ${DEFAULT-VALUE})")
    long readSeconds;

    @picocli.CommandLine.Option(names = "--device-read", paramLabel = "OP=anyone|admin", split = ",",
            description = "who may use a reading operation that reaches the device (mailbox-commands, identify, health,"
                    + " partition, fw-info, alert-config, logs, timestamp, shutdown-state, labels-read, poison; and list's"
                    + " details that read the same): anyone who can connect, or only root and the admin group. By default"
                    + " labels-read and poison (label contents, media error addresses) are admin only and the rest anyone's."
                    + " Repeat it or separate with commas: labels-read=anyone,identify=admin")
    java.util.List<String> deviceRead = new java.util.ArrayList<>();

    @picocli.CommandLine.Option(names = "--device-reads-per-second", paramLabel = "N", defaultValue = "20",
            description = "device reads a second (a burst of twice that) for one user who is not an admin, so one"
                    + " user cannot starve the admin's; more are answered BUSY; 0: no limit (default: ${DEFAULT-VALUE})")
    int deviceReadsPerSecond;

    @picocli.CommandLine.Option(names = "--admin-group", paramLabel = "GROUP", defaultValue = "cxl",
            description = "members of GROUP (and root) may change things: enable/disable memdevs and, later, regions"
                    + " and handoffs; everyone else may only read (default: ${DEFAULT-VALUE})")
    String adminGroup;

    @picocli.CommandLine.Option(names = "--socket-mode", paramLabel = "MODE", defaultValue = "0666",
            description = "octal mode of the socket file; who may connect at all (default: ${DEFAULT-VALUE}:"
                    + " everyone, since what each may do is decided by credentials)")
    String socketMode;

    @picocli.CommandLine.Option(names = "--socket-group", paramLabel = "GROUP",
            description = "group of the socket file, e.g. with --socket-mode 0660 to let only that group connect")
    String socketGroup;

    @picocli.CommandLine.Option(names = "--rescan-interval", paramLabel = "SECONDS", defaultValue = "30",
            description = "rescan all of sysfs this often, a safety net beside uevents (default: ${DEFAULT-VALUE})")
    long rescanSeconds;

    @picocli.CommandLine.Option(names = "--follow",
            description = "follow --sysfs-root as the kernel's live sysfs (uevents, writes to attributes,"
                    + " kernel/uevent_seqnum, which the tree must have) even when it is not a sysfs mount: a captured or"
                    + " generated tree then behaves as a host's (benchmarks, tests). Without it only a sysfs mount is followed, and any"
                    + " other tree is read again for every request.")
    boolean follow;

    @picocli.CommandLine.Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/cxld",
            description = "where handoffs are kept across restarts (default: ${DEFAULT-VALUE}; systemd's StateDirectory)")
    Path stateDir;

    @picocli.CommandLine.Option(names = "--dev-root", paramLabel = "DIR", defaultValue = "/dev",
            description = "where the cxl/memN device nodes are, for mailbox commands (default: ${DEFAULT-VALUE})")
    Path devRoot;

    @picocli.CommandLine.Option(names = "--tracefs", paramLabel = "DIR",
            description = "tracefs to read CXL trace events from (default: kernel/tracing under --sysfs-root when"
                    + " that is the kernel's sysfs); 'none' to not read them")
    String tracefs;

    @picocli.CommandLine.Option(names = "--debugfs", paramLabel = "DIR",
            description = "debugfs, for poison injection through cxl/memN/inject_poison (default: kernel/debug under"
                    + " --sysfs-root when that is the kernel's sysfs); 'none' for none")
    String debugfs;

    @picocli.CommandLine.Option(names = "--run-dir", paramLabel = "DIR", defaultValue = "/run/cxld",
            description = "where live handoffs are published as files, handoffs/MEMDEV.json (default:"
                    + " ${DEFAULT-VALUE}; systemd's RuntimeDirectory)")
    Path runDir;

    @picocli.CommandLine.Option(names = "--config", paramLabel = "FILE",
            description = "configuration file, read with the drop-ins FILE.d/*.conf (default: " + DEFAULT_CONFIG
                    + " if it exists, and " + DEFAULT_CONFIG + ".d/); its [daemon] section takes every option of this"
                    + " command line by its long name (socket = PATH, follow = yes), the command line winning;"
                    + " [accelerator NAME] sections name memdevs that cxld hands off on its own when they arrive."
                    + " SIGHUP (systemctl reload cxld) reads it again; a configuration that does not check is"
                    + " refused then and the running one kept")
    Path config;

    @picocli.CommandLine.Option(names = "--check-config",
            description = "read and check the configuration, print what it says, and exit: 0 when valid, 78 when not")
    boolean checkConfig;

    @picocli.CommandLine.Option(names = "--metrics-textfile", paramLabel = "FILE",
            description = "write the metrics (cxlctl metrics) to FILE every --metrics-interval, atomically, for"
                    + " node-exporter's textfile collector, e.g. /var/lib/prometheus/node-exporter/cxld.prom")
    Path metricsTextfile;

    @picocli.CommandLine.Option(names = "--metrics-listen", paramLabel = "[HOST:]PORT",
            description = "serve the metrics over HTTP at GET /metrics on HOST:PORT (a port alone: localhost only);"
                    + " off unless set")
    String metricsListen;

    @picocli.CommandLine.Option(names = "--nfd-features", paramLabel = "FILE",
            description = "write Kubernetes Node Feature Discovery labels (cxl.memdevs, cxl.ram-gib, accelerator"
                    + " memory, ...) to FILE when they change, e.g."
                    + " /etc/kubernetes/node-feature-discovery/features.d/cxld")
    Path nfdFeatures;

    @picocli.CommandLine.Option(names = "--metrics-interval", paramLabel = "SECONDS", defaultValue = "15",
            description = "how often the metrics textfile and the feature file are rewritten (default: ${DEFAULT-VALUE})")
    long metricsInterval;

    @picocli.CommandLine.Option(names = "--proc-root", paramLabel = "DIR", defaultValue = "/proc",
            description = "procfs, where a client's groups and command name are read (default: ${DEFAULT-VALUE})")
    Path procRoot;

    @Override
    public Integer call() throws java.io.IOException {
        java.io.PrintWriter err = spec.commandLine().getErr();
        java.util.List<String> args = spec.commandLine().getParseResult().originalArgs();
        Settings settings;
        try {
            settings = Settings.load(this, args);
        } catch (ConfigException e) {
            err.println("cxld: " + e.getMessage());
            return EX_CONFIG;
        } catch (Settings.ConfigRuntimeException e) {
            err.println("cxld: " + e.cause.getMessage());
            return EX_CONFIG;
        } catch (Settings.UsageError e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (checkConfig) {
            printConfig(settings, spec.commandLine().getOut());
            return 0;
        }
        ServiceManager service = ServiceManager.fromEnvironment(System.getenv());
        Daemon daemon;
        try {
            daemon = new Daemon(settings.daemon(), service.listening());
        } catch (java.io.IOException | RuntimeException e) {
            service.failed(e instanceof java.io.IOException ? IoErrors.describe((java.io.IOException) e) : String.valueOf(e));
            throw e;
        }
        Reloader reloader = new Reloader(this, args, settings, daemon, service);
        reloader.onSighup();
        daemon.onReload(reloader::reloadOperation);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.stopping();
            try {
                daemon.close();
            } catch (java.io.IOException e) {
                // exiting anyway
            }
        }, "cxld-shutdown"));
        service.ready(daemon);
        daemon.serve();
        return 0;
    }

    /** {@code --check-config}: what the files say and what cxld would run with. */
    private static void printConfig(Settings settings, java.io.PrintWriter out) {
        CxldConfig files = settings.files();
        out.println(files.files().isEmpty() ? "no configuration files" : "read " + files.files().stream()
                .map(Path::toString).collect(java.util.stream.Collectors.joining(", ")));
        settings.fromFiles().forEach((k, where) -> out.println("option " + k + " from " + where));
        Daemon.Config d = settings.daemon();
        out.println("socket " + d.socket() + " (mode " + d.exposure().mode()
                + (d.exposure().group() == null ? "" : ", group " + d.exposure().group()) + "), sysfs " + d.sysfsRoot()
                + ", state " + d.stateDir() + ", admin group " + d.adminGroup() + ", connections "
                + d.limits().maxConnections() + " (" + d.limits().maxPerUser() + " per user)");
        for (dev.cxld.daemon.policy.AcceleratorRule a : files.accelerators()) {
            out.println("accelerator " + a.name() + " (" + a.source() + "): " + a.describeMatch() + ", holder \""
                    + a.holder() + "\", create-region " + (a.createRegion() ? "yes" : "no")
                    + (a.grantUser() == null ? "" : ", user " + a.grantUser() + " (uid " + a.grantUid() + ")"));
        }
        out.flush();
    }

    public static void main(String[] args) {
        JournalStream.installIfJournal(System.getenv()); // before anything logs
        System.exit(commandLine().execute(args));
    }

    /** The command tree with cxld's error reporting: one line naming the object and the reason. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String msg = e instanceof java.io.IOException ? IoErrors.describe((java.io.IOException) e)
                    : e.getMessage() != null ? e.getMessage() : e.getClass().getName();
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + msg);
            return 1;
        });
        return cl;
    }

    /** {@code cxld --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cxld " + ProjectVersion.get()};
        }
    }
}
