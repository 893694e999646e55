package dev.cxld.daemon;

import dev.cxld.daemon.config.ConfigException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configuration reload on SIGHUP ({@code systemctl reload cxld}): the files and the command line
 * are read and checked again as at start; when they check, the accelerators and connection limits
 * apply at once and options that cannot change while cxld runs are named in the log; when they do
 * not, the running configuration stays and the error (file, line, reason) is logged and shown in
 * {@code status} and in systemd's STATUS=.
 */
final class Reloader {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    private final Main commandLine;
    private final List<String> args;
    private final Daemon daemon;
    private final ServiceManager service;
    private Settings current;

    Reloader(Main commandLine, List<String> args, Settings current, Daemon daemon, ServiceManager service) {
        this.commandLine = commandLine;
        this.args = List.copyOf(args);
        this.current = current;
        this.daemon = daemon;
        this.service = service;
    }

    /** Reloads on each SIGHUP (the JDK's signal API for it lives in jdk.unsupported). */
    @SuppressWarnings("restriction")
    void onSighup() {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
            Thread t = new Thread(this::reload, "cxld-reload");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Reads and applies the configuration once more; returns what became of it (for status). */
    synchronized String reload() {
        service.reloading();
        LOG.info("reloading the configuration (SIGHUP)");
        Settings next;
        try {
            next = Settings.load(commandLine, args);
        } catch (ConfigException e) {
            return refused(e.getMessage());
        } catch (Settings.ConfigRuntimeException e) {
            return refused(e.cause.getMessage());
        } catch (RuntimeException e) { // a usage error of the command line, as given at start, cannot come back; anything else is refused too
            return refused(String.valueOf(e.getMessage()));
        }
        for (String s : current.needRestart(next)) {
            LOG.warn("reload: {}", s);
        }
        daemon.reconfigure(next.daemon());
        current = next;
        String outcome = "reloaded: " + next.files().accelerators().size() + " accelerators, "
                + next.daemon().limits().maxConnections() + " connections (" + next.daemon().limits().maxPerUser()
                + " per user)";
        LOG.info("{}", outcome);
        daemon.reloadOutcome(true, outcome, next.daemon());
        service.reloaded(daemon.statusLine());
        return outcome;
    }

    private String refused(String why) {
        String outcome = "reload refused, the running configuration kept: " + why;
        LOG.error("{}", outcome);
        daemon.reloadOutcome(false, outcome, current.daemon());
        service.reloaded(daemon.statusLine() + "; last reload refused: " + why);
        return outcome;
    }
}
