package dev.cxld.daemon.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cxld.protocol.Event;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.protocol.ErrorCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

/**
 * Numbers, stamps and fans out events to subscribers. Publishing never blocks: each subscriber
 * has a bounded queue, and a subscriber that falls behind loses events, counted, and is told so by
 * an {@code overflow} event once it catches up. A slow monitor cannot stall the daemon.
 */
public final class EventBus {
    static final int QUEUE = 1024;
    /** The sources a monitor may ask for; {@code daemon} events (overflow) reach every monitor. */
    public static final List<String> SOURCES = List.of(Event.TOPOLOGY, Event.TRACE, Event.HANDOFF);

    private final Clock clock;
    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();
    private long seq;

    public EventBus(Clock clock) {
        this.clock = clock;
    }

    /** Stamps each event and offers it to every subscriber whose filter takes its source. */
    public synchronized void publish(List<Event> events) {
        for (Event e : events) {
            Event stamped = e.stamped(++seq, clock.instant().toString());
            for (Subscription s : subscribers) {
                s.offer(stamped);
            }
        }
    }

    public Subscription subscribe(Set<String> sources) {
        Subscription s = new Subscription(Set.copyOf(sources));
        subscribers.add(s);
        return s;
    }

    /**
     * What a monitor asking for {@code asked} (null: every source) subscribes to, in the order
     * asked, {@code daemon} last; INVALID_ARGUMENT naming an unknown source.
     */
    public static List<String> monitorSources(List<String> asked) {
        Set<String> sources = new LinkedHashSet<>(asked == null ? SOURCES : asked);
        for (String s : sources) {
            if (!SOURCES.contains(s)) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "monitor: unknown source \"" + s + "\"; sources are "
                        + String.join(", ", SOURCES));
            }
        }
        sources.add(Event.DAEMON);
        return new ArrayList<>(sources);
    }

    public int subscribers() {
        return subscribers.size();
    }

    /** One subscriber's queue. Close it to unsubscribe. */
    public final class Subscription implements AutoCloseable {
        private final Set<String> sources;
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private long dropped;

        private Subscription(Set<String> sources) {
            this.sources = sources;
        }

        private synchronized void offer(Event e) {
            if (sources.contains(e.source()) && !queue.offer(e)) {
                dropped++;
            }
        }

        /**
         * The next event, waiting up to {@code timeoutMs}; null if none came. After losses, the
         * call that finds the queue drained reports them as an overflow event (the gap in
         * {@code seq} shows where they were).
         */
        public Event next(long timeoutMs) throws InterruptedException {
            synchronized (this) {
                if (dropped > 0 && queue.isEmpty()) {
                    long n = dropped;
                    dropped = 0;
                    return new Event(0, clock.instant().toString(), Event.DAEMON, "overflow", null, null,
                            JsonNodeFactory.instance.objectNode().put("dropped", n));
                }
            }
            return queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}
