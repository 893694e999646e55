package dev.cxld.daemon.live;

import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.daemon.nativeio.UeventSocket;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads kernel uevents on its own thread and hands those of the subsystems cxld cares about
 * (cxl, dax, nd) to a {@link Sink}; every uevent's sequence number is reported, relevant or not,
 * so the sink can tell when it has seen everything up to /sys/kernel/uevent_seqnum.
 */
public final class UeventListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UeventListener.class);
    static final Set<String> SUBSYSTEMS = Set.of("cxl", "dax", "nd");

    /** Where uevents go. Called on the listener thread. */
    public interface Sink {
        /** A uevent of a watched subsystem. */
        void uevent(Uevent u);

        /** A uevent of another subsystem: only its number matters. */
        void seen(long seqnum);

        /** Uevents were lost (receive buffer overrun, or the socket failed): rescan everything. */
        void lost(String why);
    }

    private final UeventSocket socket;
    private final Thread thread;
    private volatile boolean stopping;

    private UeventListener(UeventSocket socket, Sink sink) {
        this.socket = socket;
        this.thread = new Thread(() -> run(sink), "cxld-uevents");
        this.thread.setDaemon(true);
    }

    /** Opens the netlink socket (before the first scan, so nothing falls between) and starts reading. */
    public static UeventListener start(Sink sink) throws ErrnoException {
        UeventListener l = new UeventListener(new UeventSocket(), sink);
        l.thread.start();
        return l;
    }

    private void run(Sink sink) {
        try (socket) {
            while (!stopping) {
                UeventSocket.Received r = socket.receive(250);
                if (r instanceof UeventSocket.Message m) {
                    Uevent.parse(m.bytes()).ifPresent(u -> {
                        if (SUBSYSTEMS.contains(u.subsystem())) {
                            LOG.debug("uevent {} {} {} ({})", u.seqnum(), u.action(), u.devpath(), u.subsystem());
                            sink.uevent(u);
                        } else {
                            sink.seen(u.seqnum());
                        }
                    });
                } else if (r instanceof UeventSocket.Overrun) {
                    LOG.warn("uevents were lost (netlink receive buffer overrun); rescanning");
                    sink.lost("netlink receive buffer overrun");
                }
            }
        } catch (ErrnoException e) {
            LOG.error("uevent listener stopped: {}; falling back to rescans", e.getMessage());
            sink.lost(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("uevent listener failed; falling back to rescans", e);
            sink.lost(e.toString());
        }
    }

    public boolean running() {
        return thread.isAlive();
    }

    /** Stops the thread; it closes the socket itself, so no descriptor is closed under a poll. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(2000);
    }
}
