package dev.cxld.daemon.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.control.PrivateMemoryControl;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.policy.AcceleratorRule;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.MemorySysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Event;
import dev.cxld.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe-time policy on captured trees: ram3-committed (mem2, serial 0x100, alone in region1;
 * mem0, serial 0x102, interleaved in region0) and ram1-empty (mem0, serial 0x100, no region).
 */
class AcceleratorsTest {
    static final AcceleratorRule.PciId QEMU = new AcceleratorRule.PciId(0x8086, 0x0d93);
    static final Handoff.Holder CXLD = new Handoff.Holder(0, "root", 99L, "cxld", null);
    static final AcceleratorRule ACCEL = new AcceleratorRule("accel0", "/etc/cxld/cxld.conf:1", 0x100L, null,
            "runtime-a", false, null, null);
    static final AcceleratorRule WIDE = new AcceleratorRule("wide", "/etc/cxld/cxld.conf:5", 0x102L, QEMU,
            "runtime-b", false, null, null);

    @TempDir Path tmp;
    Path sys;
    final EventBus bus = new EventBus(Clock.systemUTC());
    Snapshots snapshots;
    final List<Accelerators> started = new ArrayList<>();
    final List<String> created = new ArrayList<>();
    final List<String> destroyed = new ArrayList<>();
    final List<String> settled = new ArrayList<>();
    final RegionMaker maker = new RegionMaker(m -> {
        created.add(m);
        return Optional.of("region0");
    }, destroyed::add, settled::add);

    @AfterEach
    void stop() {
        started.forEach(Accelerators::close);
    }

    void tree(String fixture) throws Exception {
        sys = SysfsFixtures.install(fixture, tmp.resolve("sys"));
        snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), bus);
    }

    Handoffs handoffs() throws Exception {
        return new Handoffs(new HandoffStore(tmp.resolve("state")), snapshots,
                new PrivateMemoryControl(new SysfsAttributes(sys), new MemorySysfs(sys), sys.resolve("dev")), bus,
                Clock.systemUTC(), pid -> java.util.OptionalLong.empty(), (r, start, size) -> false,
                new HandoffFiles(tmp.resolve("run/handoffs")));
    }

    Accelerators start(Handoffs hs, AcceleratorRule... rules) {
        Accelerators a = new Accelerators(List.of(rules), hs, snapshots, bus, maker, m -> QEMU, CXLD);
        started.add(a);
        a.start();
        return a;
    }

    static JsonNode memdev(Accelerators a, String accelerator, String memdev) {
        for (JsonNode acc : a.status()) {
            if (acc.get("accelerator").asText().equals(accelerator)) {
                for (JsonNode m : acc.get("memdevs")) {
                    if (m.get("memdev").asText().equals(memdev)) {
                        return m;
                    }
                }
            }
        }
        throw new AssertionError(memdev + " of " + accelerator + " not in " + a.status());
    }

    /** The next handoff event, skipping none; fails after 5 s. */
    static Event next(EventBus.Subscription events) throws InterruptedException {
        Event e = events.next(5000);
        assertThat(e).as("an event within 5 s").isNotNull();
        return e;
    }

    @Test
    void aDesignatedMemdevPresentAtStartIsHandedOffAndPublishedWithoutARequest() throws Exception {
        tree("ram3-committed");
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        Handoffs hs = handoffs();
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Accelerators a = start(hs, ACCEL, WIDE);
            java.util.Map<String, Event> seen = new java.util.HashMap<>();
            for (int i = 0; i < 2; i++) {
                Event e = next(events);
                seen.put(e.event(), e);
            }
            assertThat(seen).containsOnlyKeys("handoff-attached", "handoff-degraded");
            Event attached = seen.get("handoff-attached");
            assertThat(attached.name()).isEqualTo("region1");
            assertThat(attached.data().get("accelerator").asText()).isEqualTo("accel0");
            Event degraded = seen.get("handoff-degraded");
            assertThat(degraded.kind()).isEqualTo("memdev");
            assertThat(degraded.name()).isEqualTo("mem0");
            assertThat(degraded.data().get("accelerator").asText()).isEqualTo("wide");
            assertThat(degraded.data().get("rule").asText()).isEqualTo("interleaved");
            assertThat(degraded.data().get("region").asText()).isEqualTo("region0");
            a.evaluate(snapshots.fresh());
            assertThat(events.next(200)).as("a degradation is announced once, not at every snapshot").isNull();

            Handoff h = hs.find("mem2").orElseThrow();
            assertThat(h.region()).isEqualTo("region1");
            assertThat(h.accelerator()).isEqualTo("accel0");
            assertThat(h.lease()).as("durable, as the kernel's attach lasts while the device is bound").isNull();
            assertThat(h.holder().describe()).isEqualTo("root (uid 0, pid 99 cxld) as \"runtime-a\"");
            JsonNode file = Json.mapper().readTree(tmp.resolve("run/handoffs/mem2.json").toFile());
            assertThat(file.toString()).isEqualTo(Json.mapper().valueToTree(h).toString());
            assertThat(tmp.resolve("run/handoffs/mem0.json")).doesNotExist();

            assertThat(memdev(a, "accel0", "mem2").toString())
                    .isEqualTo("{\"memdev\":\"mem2\",\"state\":\"attached\",\"region\":\"region1\"}");
            JsonNode wide = memdev(a, "wide", "mem0");
            assertThat(wide.get("state").asText()).isEqualTo("degraded");
            assertThat(wide.get("reason").asText()).contains("region0 (the first region of mem0, through decoder")
                    .contains("interleaved across 2 targets");
            assertThat(a.status().get(1).get("match").asText()).isEqualTo("serial 0x102 and pci 8086:0d93");
        }
    }

    @Test
    void aMemdevThatComesBackIsHandedOffAgainButAnAdministratorsDetachIsNotUndone() throws Exception {
        tree("ram3-committed");
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        Handoffs hs = handoffs();
        Accelerators a = start(hs, ACCEL);
        assertThat(hs.find("mem2")).isPresent();
        Path driver = sys.resolve("bus/cxl/devices/mem2").toRealPath().resolve("driver");
        Path target = Files.readSymbolicLink(driver);
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Files.delete(driver); // disable-memdev by hand: the kernel takes the endpoint away
            snapshots.fresh();
            assertThat(next(events).event()).isEqualTo("handoff-revoked");
            a.evaluate(snapshots.fresh());
            assertThat(memdev(a, "accel0", "mem2").get("state").asText()).isEqualTo("waiting");
            assertThat(tmp.resolve("run/handoffs/mem2.json")).as("unpublished with its end").doesNotExist();

            Files.createSymbolicLink(driver, target); // enable-memdev: it arrives again
            a.evaluate(snapshots.fresh());
            Event again = next(events);
            assertThat(again.event()).isEqualTo("handoff-attached");
            assertThat(again.data().get("accelerator").asText()).isEqualTo("accel0");
            assertThat(memdev(a, "accel0", "mem2").get("state").asText()).isEqualTo("attached");
            assertThat(tmp.resolve("run/handoffs/mem2.json")).exists();

            hs.detach("mem2", false); // an administrator takes it back
            assertThat(memdev(a, "accel0", "mem2").get("state").asText())
                    .as("released at once in status, before the policy has seen a snapshot").isEqualTo("released");
            assertThat(next(events).event()).isEqualTo("handoff-released");
            a.evaluate(snapshots.fresh());
            a.evaluate(snapshots.fresh());
            assertThat(hs.find("mem2")).as("not attached again behind the administrator's back").isEmpty();
            assertThat(events.next(300)).isNull();
            JsonNode m = memdev(a, "accel0", "mem2");
            assertThat(m.get("state").asText()).isEqualTo("released");
            assertThat(m.get("reason").asText()).isEqualTo("its handoff ended; handed off again when mem2 next arrives"
                    + " (enable-memdev, hotplug) or cxld restarts");
        }
    }

    @Test
    void aRestartedCxldKeepsThePolicysHandoffInsteadOfAttachingTwice() throws Exception {
        tree("ram3-committed");
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        start(handoffs(), ACCEL);
        Handoff first = handoffs().find("mem2").orElseThrow(); // a new cxld on the same state
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Handoffs again = handoffs();
            Accelerators a = start(again, ACCEL);
            assertThat(events.next(300)).as("nothing attached twice").isNull();
            assertThat(again.active()).containsExactly(first);
            assertThat(memdev(a, "accel0", "mem2").get("state").asText()).isEqualTo("attached");
        }
    }

    @Test
    void aHandoffSomeoneAskedForIsLeftToItsHolder() throws Exception {
        tree("ram3-committed");
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        Handoffs hs = handoffs();
        Handoff asked = hs.attach("mem2", HandoffsTest.ALICE);
        Accelerators a = start(hs, ACCEL);
        assertThat(hs.active()).containsExactly(asked);
        JsonNode m = memdev(a, "accel0", "mem2");
        assertThat(m.get("state").asText()).isEqualTo("held");
        assertThat(m.get("reason").asText()).startsWith("handed off to alice (uid 1000, pid 4242 runtime)");
    }

    @Test
    void aRegionCreatedForAnAttachThatIsRefusedIsDestroyedAndNotTriedAgainUntilTheMemdevArrives() throws Exception {
        tree("ram1-empty"); // the maker "creates" region0, which the tree never shows: the attach is refused
        AcceleratorRule create = new AcceleratorRule("accel0", "cxld.conf:1", 0x100L, null, "rt", true, null, null);
        Handoffs hs = handoffs();
        try (EventBus.Subscription events = bus.subscribe(Set.of(Event.HANDOFF))) {
            Accelerators a = start(hs, create);
            Event degraded = next(events);
            assertThat(degraded.event()).isEqualTo("handoff-degraded");
            assertThat(degraded.data().get("rule").asText()).isEqualTo("not_attachable");
            assertThat(degraded.data().get("reason").asText()).contains("has no region")
                    .contains("region0, which cxld created for it, was destroyed again")
                    .endsWith("tried again when mem0 next arrives (enable-memdev, hotplug) or cxld restarts");
            a.evaluate(snapshots.fresh());
            assertThat(created).containsExactly("mem0");
            assertThat(destroyed).containsExactly("region0");
            assertThat(settled).as("the create is over once its region is destroyed again").containsExactly("region0");
            assertThat(hs.active()).isEmpty();
        }
    }

    @Test
    void aFailureOfThePolicyIsReportedAndCxldGoesOn() throws Exception {
        tree("ram1-empty");
        AcceleratorRule create = new AcceleratorRule("accel0", "cxld.conf:1", 0x100L, null, "rt", true, null, null);
        RegionMaker broken = new RegionMaker(m -> {
            throw new java.io.UncheckedIOException(new java.io.IOException("decoder0.0/create_ram_region vanished"));
        }, destroyed::add, settled::add);
        Accelerators a = new Accelerators(List.of(create), handoffs(), snapshots, bus, broken, m -> QEMU, CXLD);
        started.add(a);
        a.start(); // does not throw: the daemon starts
        JsonNode m = memdev(a, "accel0", "mem0");
        assertThat(m.get("state").asText()).isEqualTo("degraded");
        assertThat(m.get("rule").asText()).isEqualTo("internal");
        assertThat(m.get("reason").asText()).contains("create_ram_region vanished");
        assertThat(destroyed).isEmpty();
    }

    @Test
    void withoutCreateRegionAMemdevWithoutARegionIsDegraded() throws Exception {
        tree("ram1-empty");
        Accelerators a = start(handoffs(), ACCEL);
        JsonNode m = memdev(a, "accel0", "mem0");
        assertThat(m.get("state").asText()).isEqualTo("degraded");
        assertThat(m.get("rule").asText()).isEqualTo("no_region");
        assertThat(created).isEmpty();
    }

    @Test
    void withoutAcceleratorsNothingIsWatched() throws Exception {
        tree("ram3-committed");
        Handoffs hs = handoffs();
        Accelerators a = start(hs);
        assertThat(a.status()).isEmpty();
        assertThat(hs.active()).isEmpty();
    }
}
