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

    /** What a reload did: applied or refused, what it says, and what waits for a restart. */
    record Outcome(boolean applied, String text, List<String> restartNeeded) {
        com.fasterxml.jackson.databind.JsonNode json() {
            com.fasterxml.jackson.databind.node.ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory
                    .instance.objectNode();
            o.put("applied", applied);
            o.put("outcome", text);
            com.fasterxml.jackson.databind.node.ArrayNode a = o.putArray("restart_needed");
            restartNeeded.forEach(a::add);
            return o;
        }
    }

    /**
     * For the {@code reload} operation ({@code cxlctl reload}, the unit's ExecReload): the outcome,
     * or a refusal naming the file, line and reason when the configuration does not check.
     */
    com.fasterxml.jackson.databind.JsonNode reloadOperation() {
        Outcome o = reload();
        if (!o.applied()) {
            throw new dev.cxld.daemon.errors.Refusal(dev.cxld.protocol.ErrorCode.INVALID_ARGUMENT, o.text());
        }
        return o.json();
    }

    /** Reads and applies the configuration once more. */
    synchronized Outcome reload() {
        service.reloading();
        LOG.info("reloading the configuration");
        Settings next;
        try {
            next = Settings.load(commandLine, args);
        } catch (ConfigException e) {
            return refused(e.getMessage());
        } catch (Settings.ConfigRuntimeException e) {
            return refused(e.cause.getMessage());
        } catch (RuntimeException e) { // a usage error of the command line, as given at start, cannot come back
            return refused(String.valueOf(e.getMessage()));
        }
        List<String> restart = current.needRestart(next);
        for (String s : restart) {
            LOG.warn("reload: {}", s);
        }
        daemon.reconfigure(next.daemon());
        current = next;
        String text = "reloaded: " + next.files().accelerators().size() + " accelerators, "
                + next.daemon().limits().maxConnections() + " connections (" + next.daemon().limits().maxPerUser()
                + " per user)" + (restart.isEmpty() ? "" : "; " + restart.size() + " options wait for a restart");
        LOG.info("{}", text);
        daemon.reloadOutcome(true, text, next.daemon());
        service.reloaded(daemon.statusLine(), null);
        return new Outcome(true, text, restart);
    }

    private Outcome refused(String why) {
        String text = "reload refused, the running configuration kept: " + why;
        LOG.error("{}", text);
        daemon.reloadOutcome(false, text, current.daemon());
        service.reloaded(daemon.statusLine(), why);
        return new Outcome(false, text, List.of());
    }
}
