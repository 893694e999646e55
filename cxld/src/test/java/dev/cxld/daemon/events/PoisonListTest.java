package dev.cxld.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poison list: trigger_poison_list written through the sysfs layer of a captured ram3 tree,
 * and the kernel's answer played by publishing the cxl_poison trace lines captured in a guest.
 */
class PoisonListTest {
    @TempDir Path tmp;
    Path sys;
    EventBus bus;
    PoisonList poison;

    @BeforeEach
    void setUp() throws IOException {
        sys = SysfsFixtures.install("ram3-committed", tmp);
        bus = new EventBus(Clock.systemUTC());
        poison = new PoisonList(new SysfsAttributes(sys), bus, () -> true);
    }

    Path trigger(String memdev) throws IOException {
        return sys.resolve("bus/cxl/devices/" + memdev).toRealPath().resolve("trigger_poison_list");
    }

    /** Plays the kernel: once "1" is written to the trigger, publishes the captured trace lines. */
    Thread kernel(Path trigger) throws IOException {
        Files.setPosixFilePermissions(trigger, PosixFilePermissions.fromString("rw-------"));
        List<String> lines;
        try (var in = PoisonListTest.class.getResourceAsStream("/events/trace-cxl.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        Thread t = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!Files.readString(trigger).equals("1") && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                for (String l : lines) {
                    TraceLine.parse(l).ifPresent(e -> bus.publish(List.of(e)));
                }
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        t.start();
        return t;
    }

    @Test
    void theListIsTheListTypeRecordsOfThatMemdev() throws Exception {
        Path trigger = trigger("mem0");
        Thread k = kernel(trigger);
        ObjectNode o = poison.list("mem0");
        k.join();
        assertThat(Files.readString(trigger)).isEqualTo("1");
        // the capture has an Inject record and a List record for mem0: only the List one is the poison list
        assertThat(o.toString()).isEqualTo("{\"memdev\":\"mem0\",\"media_errors\":[{\"offset\":4096,\"length\":64,"
                + "\"source\":\"Injected\"}]}");
    }

    @Test
    void namesThatAreNotMemdevsNeverBecomePaths() {
        for (String bad : new String[] {"../../kernel", "mem0/../mem1", "", "mem0\0", "region0/../../../etc"}) {
            assertThatThrownBy(() -> poison.list(bad)).as(bad).isInstanceOf(Refusal.class)
                    .satisfies(t -> assertThat(((Refusal) t).error().code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }

    @Test
    void aTriggerTheKernelRefusesIsAKernelErrorNamingTheFile() {
        assertThatThrownBy(() -> poison.list("mem7")).isInstanceOf(Refusal.class).satisfies(t -> {
            Refusal r = (Refusal) t;
            assertThat(r.error().code()).isEqualTo(ErrorCode.KERNEL_ERROR);
            assertThat(r.error().errnoName()).isEqualTo("ENOENT");
            assertThat(r.error().path()).isEqualTo(sys.resolve("bus/cxl/devices/mem7/trigger_poison_list").toString());
            assertThat(r.getMessage()).startsWith("mem7: trigger the poison list: the kernel refused: ");
        });
    }

    @Test
    void withoutTraceEventsThereIsNoPoisonList() {
        PoisonList blind = new PoisonList(new SysfsAttributes(sys), bus, () -> false);
        assertThatThrownBy(() -> blind.list("mem0")).isInstanceOf(Refusal.class)
                .satisfies(t -> assertThat(((Refusal) t).error().code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }
}
