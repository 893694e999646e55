package dev.cxld.daemon.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One mailbox at a time per memdev, several memdevs at once. The device nodes here are plain files
 * (the sessions only open them); the ioctls themselves are exercised in MailboxVmIT.
 */
class MailboxServiceTest {
    @TempDir Path tmp;
    MailboxService service;

    @BeforeEach
    void setUp() throws Exception {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        Files.createDirectories(tmp.resolve("dev/cxl"));
        for (String m : new String[] {"mem0", "mem1"}) {
            Files.writeString(tmp.resolve("dev/cxl/" + m), "");
        }
        service = new MailboxService(tmp.resolve("dev"), new Snapshots(new CxlSysfs(sys), Clock.systemUTC(),
                new EventBus(Clock.systemUTC())));
    }

    @Test
    void callsToOneMemdevWaitForEachOther() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> service.with("mem0", mb -> {
            inside.countDown();
            await(release);
            return "first";
        }));
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> service.with("mem0", mb -> "second"));
        Thread.sleep(200);
        assertThat(second).as("mem0 is busy").isNotDone();
        // another memdev is not held up by mem0
        assertThat(CompletableFuture.supplyAsync(() -> service.with("mem1", mb -> "other")).get(5, TimeUnit.SECONDS))
                .isEqualTo("other");
        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("second");
    }

    @Test
    void unknownMemdevsAndMissingNodesAreNamed() {
        assertThatThrownBy(() -> service.with("mem7", mb -> null)).isInstanceOf(Refusal.class)
                .hasMessage("memdev mem7 not found; this host has mem0, mem1, mem2");
        assertThatThrownBy(() -> service.with("mem2", mb -> null)).isInstanceOf(Refusal.class)
                .hasMessage("mem2: no device node " + tmp.resolve("dev/cxl/mem2"));
    }

    static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
