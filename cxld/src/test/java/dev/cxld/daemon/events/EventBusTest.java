package dev.cxld.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.protocol.Event;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventBusTest {
    final EventBus bus = new EventBus(Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC));

    static Event topology(String name) {
        return new Event(0, null, Event.TOPOLOGY, "added", "region", name, null);
    }

    @Test
    void eventsAreNumberedStampedAndFilteredBySource() throws InterruptedException {
        try (EventBus.Subscription all = bus.subscribe(Set.of(Event.TOPOLOGY, Event.TRACE));
                EventBus.Subscription traceOnly = bus.subscribe(Set.of(Event.TRACE))) {
            bus.publish(List.of(topology("region0"), new Event(0, null, Event.TRACE, "cxl_poison", null, "mem0", null)));
            Event a = all.next(100);
            assertThat(a.seq()).isEqualTo(1);
            assertThat(a.time()).isEqualTo("2026-11-24T12:00:00Z");
            assertThat(all.next(100).seq()).isEqualTo(2);
            Event t = traceOnly.next(100);
            assertThat(t.event()).isEqualTo("cxl_poison");
            assertThat(t.seq()).isEqualTo(2);
            assertThat(traceOnly.next(10)).isNull();
            assertThat(bus.subscribers()).isEqualTo(2);
        }
        assertThat(bus.subscribers()).isZero();
    }

    @Test
    void aSubscriberThatFallsBehindLosesEventsAndIsToldHowMany() throws InterruptedException {
        try (EventBus.Subscription slow = bus.subscribe(Set.of(Event.TOPOLOGY))) {
            List<Event> burst = new ArrayList<>();
            for (int i = 0; i < EventBus.QUEUE + 5; i++) {
                burst.add(topology("region" + i));
            }
            bus.publish(burst); // never blocks, however slow the subscriber
            for (int i = 0; i < EventBus.QUEUE; i++) {
                assertThat(slow.next(10).seq()).isEqualTo(i + 1);
            }
            Event overflow = slow.next(10);
            assertThat(overflow.source()).isEqualTo(Event.DAEMON);
            assertThat(overflow.event()).isEqualTo("overflow");
            assertThat(overflow.data().get("dropped").asLong()).isEqualTo(5);
            assertThat(slow.next(10)).isNull();
        }
    }
}
