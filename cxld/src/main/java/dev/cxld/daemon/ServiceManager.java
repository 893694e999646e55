package dev.cxld.daemon;

import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.daemon.nativeio.ListenFds;
import dev.cxld.daemon.nativeio.SdNotify;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cxld as systemd's service ({@code Type=notify}): READY=1 once the first snapshot is loaded and
 * the socket listens, STATUS= with what it serves, RELOADING=1 and READY=1 around a reload,
 * STOPPING=1, WATCHDOG=1 every half {@code WatchdogSec=} while cxld is healthy, and the listening
 * socket of {@code cxld.socket} when systemd started cxld through it. Without systemd (no
 * {@code $NOTIFY_SOCKET}) every notification is a no-op.
 */
final class ServiceManager {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);

    private final SdNotify notify;
    private final Duration watchdog;
    private final ServerSocketChannel listening;
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cxld-sd-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile String lastStatus = "";
    /** Appended to STATUS= until the next reload: why the last one was refused. */
    private volatile String note = "";

    ServiceManager(SdNotify notify, Duration watchdog, ServerSocketChannel listening) {
        this.notify = notify;
        this.watchdog = watchdog;
        this.listening = listening;
    }

    /** From systemd's environment: $NOTIFY_SOCKET, $WATCHDOG_USEC/$WATCHDOG_PID, $LISTEN_FDS/$LISTEN_PID. */
    static ServiceManager fromEnvironment(Map<String, String> env) throws IOException {
        SdNotify n = null;
        try {
            n = SdNotify.fromEnvironment(env).orElse(null);
        } catch (ErrnoException e) {
            LOG.warn("cannot tell systemd cxld's state ({})", e.getMessage());
        }
        return new ServiceManager(n, watchdogInterval(env), ListenFds.take(env).orElse(null));
    }

    /** {@code WatchdogSec=} as systemd passes it, when it is meant for this process; null when unset. */
    static Duration watchdogInterval(Map<String, String> env) {
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (usec == null || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return null;
        }
        try {
            long us = dev.cxld.protocol.Numbers.unsignedDecimal(usec);
            return us > 0 ? Duration.ofNanos(us * 1000) : null;
        } catch (NumberFormatException e) {
            LOG.warn("WATCHDOG_USEC={} is not a number of microseconds: no watchdog pings", usec);
            return null;
        }
    }

    /** The socket systemd passed (socket activation), or null. */
    ServerSocketChannel listening() {
        return listening;
    }

    /** READY=1 with a STATUS= line; starts the watchdog pings when systemd asked for them. */
    void ready(Daemon daemon) {
        send("READY=1\nSTATUS=" + daemon.statusLine());
        if (listening != null) {
            LOG.info("serving the socket systemd passed ({})", daemon.socket());
        }
        if (notify != null) {
            // STATUS= follows what cxld serves (sent only when it changed)
            pinger.scheduleWithFixedDelay(() -> {
                try {
                    status(daemon.statusLine());
                } catch (RuntimeException e) {
                    LOG.warn("cannot update systemd's STATUS=", e);
                }
            }, 2, 2, TimeUnit.SECONDS);
        }
        if (notify != null && watchdog != null) {
            long every = Math.max(1, watchdog.toMillis() / 2);
            pinger.scheduleAtFixedRate(() -> {
                String sick = daemon.unhealthy();
                if (sick == null) {
                    send("WATCHDOG=1");
                } else {
                    LOG.error("not telling systemd's watchdog all is well: {}", sick);
                }
            }, every, every, TimeUnit.MILLISECONDS);
            LOG.info("systemd watchdog: a ping every {} ms while cxld is healthy", every);
        }
    }

    /** STATUS=, with the note of a refused reload, sent only when it changed. */
    void status(String line) {
        String full = line + note;
        if (!full.equals(lastStatus)) {
            lastStatus = full;
            send("STATUS=" + full);
        }
    }

    /** RELOADING=1, with the monotonic time systemd 253 and later want beside it. */
    void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + (System.nanoTime() / 1000) + "\nSTATUS=reloading the configuration");
    }

    /**
     * READY=1 after a reload, with STATUS=; {@code refusal} (null when the reload applied) stays in
     * STATUS= until the next reload.
     */
    void reloaded(String status, String refusal) {
        note = refusal == null ? "" : "; last reload refused: " + refusal;
        lastStatus = status + note;
        send("READY=1\nSTATUS=" + lastStatus);
    }

    void stopping() {
        pinger.shutdownNow();
        send("STOPPING=1\nSTATUS=stopping; handoffs are kept for the next start");
    }

    /** Start failed: the reason, for {@code systemctl status}. */
    void failed(String why) {
        send("STATUS=failed to start: " + why);
    }

    private void send(String state) {
        if (notify == null) {
            return;
        }
        try {
            notify.send(state);
        } catch (ErrnoException e) {
            LOG.warn("cannot tell systemd {}: {}", state.lines().findFirst().orElse(state), e.getMessage());
        }
    }
}
