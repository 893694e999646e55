package dev.cxld.daemon;

import dev.cxld.daemon.config.ConfigException;
import dev.cxld.daemon.config.ConfigFile;
import dev.cxld.daemon.config.CxldConfig;
import dev.cxld.daemon.nativeio.Users;
import dev.cxld.daemon.server.DevicePolicy;
import dev.cxld.daemon.server.Limits;
import dev.cxld.daemon.server.SocketServer;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * cxld's effective settings: the configuration files' {@code [daemon]} options, then the command
 * line's over them, checked as one; read at start, by {@code --check-config} and at each reload.
 * A bad value from a file is reported with its FILE:LINE, one from the command line as a usage error.
 *
 * @param files what the configuration files say (accelerators included)
 * @param daemon the daemon's configuration
 * @param fromFiles each option a file set and the command line did not, with where ({@code FILE:LINE})
 */
record Settings(CxldConfig files, Daemon.Config daemon, Map<String, String> fromFiles) {
    /** Options that make no sense in a file: they choose the file, or are not the daemon's. */
    static final Set<String> NOT_IN_FILES = Set.of("config", "check-config", "help", "version");

    /** A value given on the command line that does not check (exit 2, as picocli's usage errors). */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    /**
     * Reads the configuration named by {@code commandLine}'s {@code --config} (or the default),
     * then applies {@code args} (the command line as given) over its {@code [daemon]} options.
     */
    static Settings load(Main commandLine, List<String> args) throws ConfigException {
        Path main = commandLine.config != null ? commandLine.config : Path.of(Main.DEFAULT_CONFIG);
        CxldConfig files = CxldConfig.load(main, commandLine.config != null, Users::uid);
        List<String> fileArgs = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        CommandLine.Model.CommandSpec spec = new CommandLine(new Main()).getCommandSpec();
        for (ConfigFile.Entry e : files.daemon()) {
            OptionSpec o = spec.findOption("--" + e.key());
            if (o == null || NOT_IN_FILES.contains(e.key())) {
                throw new ConfigException(e.source(), "unknown key " + e.key() + " in [daemon]; known: "
                        + String.join(", ", keys(spec)));
            }
            List<String> arg = new ArrayList<>();
            if (o.typeInfo().isBoolean()) {
                String v = e.value().toLowerCase(java.util.Locale.ROOT);
                if (List.of("yes", "true", "on", "1").contains(v)) {
                    arg.add("--" + e.key());
                } else if (!List.of("no", "false", "off", "0").contains(v)) {
                    throw new ConfigException(e.source(), e.key() + ": \"" + e.value() + "\" is not yes or no");
                }
            } else {
                arg.add("--" + e.key() + "=" + e.value());
            }
            try {
                new CommandLine(new Main()).parseArgs(arg.toArray(String[]::new));
            } catch (CommandLine.ParameterException x) {
                throw new ConfigException(e.source(), e.key() + ": " + x.getMessage());
            }
            fileArgs.addAll(arg);
            sources.put(e.key(), e.source());
        }
        Main merged = new Main();
        CommandLine cl = new CommandLine(merged);
        cl.setOverwrittenOptionsAllowed(true);
        List<String> all = new ArrayList<>(fileArgs);
        all.addAll(args);
        CommandLine.ParseResult given = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
        cl.parseArgs(all.toArray(String[]::new));
        for (OptionSpec o : given.matchedOptions()) {
            sources.remove(o.longestName().substring(2));
        }
        return new Settings(files, config(merged, files, sources), Map.copyOf(sources));
    }

    /** The keys a [daemon] section may hold: the command line's long options. */
    static List<String> keys(CommandLine.Model.CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            String k = o.longestName().substring(2);
            if (!NOT_IN_FILES.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Fails on {@code option}'s value: with the file and line that set it, or as a usage error. */
    static RuntimeException bad(Map<String, String> sources, String option, String message) {
        String where = sources.get(option);
        return where == null ? new UsageError("--" + option + ": " + message)
                : new ConfigRuntimeException(new ConfigException(where, option + ": " + message));
    }

    /** Carries a {@link ConfigException} out of {@link #config}. */
    static final class ConfigRuntimeException extends RuntimeException {
        final ConfigException cause;

        ConfigRuntimeException(ConfigException cause) {
            super(cause.getMessage(), cause);
            this.cause = cause;
        }
    }

    /** Builds the daemon's configuration from checked options. */
    static Daemon.Config config(Main m, CxldConfig files, Map<String, String> sources) {
        Limits limits = limits(m, sources);
        if (m.rescanSeconds < 1) {
            throw bad(sources, "rescan-interval", "must be at least 1 second, not " + m.rescanSeconds);
        }
        SocketServer.Exposure exposure;
        try {
            exposure = new SocketServer.Exposure(m.socketMode, m.socketGroup);
        } catch (IllegalArgumentException e) {
            throw bad(sources, "socket-mode", e.getMessage());
        }
        // uevents and trace events describe the kernel's own sysfs only, not a captured tree
        boolean kernel = SysfsAttributes.isKernelSysfs(m.sysfsRoot);
        Path trace = m.tracefs != null ? ("none".equals(m.tracefs) ? null : Path.of(m.tracefs))
                : kernel ? m.sysfsRoot.resolve("kernel/tracing") : null;
        Path debugfs = m.debugfs != null ? ("none".equals(m.debugfs) ? null : Path.of(m.debugfs))
                : kernel ? m.sysfsRoot.resolve("kernel/debug") : null;
        if (m.metricsInterval < 1) {
            throw bad(sources, "metrics-interval", "must be at least 1 second, not " + m.metricsInterval);
        }
        return new Daemon.Config(m.sysfsRoot, m.socket, limits, exposure, m.adminGroup,
                Duration.ofSeconds(m.rescanSeconds), trace, kernel || m.follow, m.devRoot, m.stateDir, m.procRoot,
                m.runDir, files, debugfs, new Daemon.Exported(m.metricsTextfile, listen(m.metricsListen, sources),
                        m.nfdFeatures, Duration.ofSeconds(m.metricsInterval)));
    }

    /** {@code [HOST:]PORT}: a port alone is localhost's; [v6]:PORT for an IPv6 address. */
    static java.net.InetSocketAddress listen(String value, Map<String, String> sources) {
        if (value == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.-]+):)?([0-9]{1,5})")
                .matcher(value);
        if (!m.matches() || dev.cxld.protocol.Numbers.decimalInt(m.group(2)) > 65535) {
            throw bad(sources, "metrics-listen", "\"" + value + "\" is not [HOST:]PORT (9858, 0.0.0.0:9858, [::1]:9858)");
        }
        String host = m.group(1) == null ? "127.0.0.1" : m.group(1).replaceAll("^\\[|\\]$", "");
        return new java.net.InetSocketAddress(host, dev.cxld.protocol.Numbers.decimalInt(m.group(2)));
    }

    private static Limits limits(Main m, Map<String, String> sources) {
        if (m.maxConnections < 1) {
            throw bad(sources, "max-connections", "must be at least 1, not " + m.maxConnections);
        }
        if (m.maxPerUser < 1) {
            throw bad(sources, "max-connections-per-user", "must be at least 1, not " + m.maxPerUser);
        }
        if (m.idleSeconds < 1) {
            throw bad(sources, "idle-timeout", "must be at least 1 second, not " + m.idleSeconds);
        }
        if (m.readSeconds < 1) {
            throw bad(sources, "read-timeout", "must be at least 1 second, not " + m.readSeconds);
        }
        DevicePolicy device;
        try {
            device = DevicePolicy.parse(m.deviceRead, m.deviceReadsPerSecond);
        } catch (IllegalArgumentException e) {
            throw bad(sources, m.deviceReadsPerSecond < 0 ? "device-reads-per-second" : "device-read", e.getMessage());
        }
        return new Limits(m.maxConnections, m.maxPerUser, Duration.ofSeconds(m.idleSeconds),
                Duration.ofSeconds(m.readSeconds), device);
    }

    /**
     * What a reload from {@code this} to {@code next} cannot apply while cxld runs: one line per
     * option, naming it and where it was set; the rest (accelerators, connection limits) apply.
     */
    List<String> needRestart(Settings next) {
        Daemon.Config a = daemon;
        Daemon.Config b = next.daemon;
        List<String> out = new ArrayList<>();
        restart(out, next, "sysfs-root", a.sysfsRoot(), b.sysfsRoot());
        restart(out, next, "socket", a.socket(), b.socket());
        restart(out, next, "socket-mode", a.exposure(), b.exposure());
        restart(out, next, "admin-group", a.adminGroup(), b.adminGroup());
        restart(out, next, "rescan-interval", a.rescanInterval(), b.rescanInterval());
        restart(out, next, "tracefs", a.tracefs(), b.tracefs());
        restart(out, next, "debugfs", a.debugfs(), b.debugfs());
        restart(out, next, "follow", a.uevents(), b.uevents());
        restart(out, next, "dev-root", a.devRoot(), b.devRoot());
        restart(out, next, "state-dir", a.stateDir(), b.stateDir());
        restart(out, next, "proc-root", a.procRoot(), b.procRoot());
        restart(out, next, "run-dir", a.runDir(), b.runDir());
        restart(out, next, "metrics-textfile", a.exported().textfile(), b.exported().textfile());
        restart(out, next, "metrics-listen", a.exported().listen(), b.exported().listen());
        restart(out, next, "nfd-features", a.exported().features(), b.exported().features());
        restart(out, next, "metrics-interval", a.exported().interval(), b.exported().interval());
        return out;
    }

    private static void restart(List<String> out, Settings next, String option, Object was, Object now) {
        if (!java.util.Objects.equals(was, now)) {
            String where = next.fromFiles.get(option);
            out.add(option + " changed" + (where == null ? "" : " (" + where + ")") + " from " + was + " to " + now
                    + ": it takes effect when cxld restarts");
        }
    }
}
