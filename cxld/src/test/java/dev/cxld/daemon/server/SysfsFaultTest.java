package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability suite's sysfs faults, on a captured switch tree: attribute files that vanish,
 * hold garbage or cannot be read, device directories that vanish, and memdevs removed and put back
 * while requests scan the tree. Every request is answered (never INTERNAL), the damage is reported
 * on its object, and once a fault is undone the listing is exactly what it was: nothing was lost.
 * It prints what it tried and found. {@code -Dcxld.faults=N} (default 400) makes longer runs.
 */
class SysfsFaultTest {
    static final int FAULTS = Integer.getInteger("cxld.faults", 400);
    static final long SEED = Long.getLong("cxld.faults.seed", 20261203L);
    static final Peer READER = new Peer(1001, 1001, 3, Set.of(), "bob", "bob", "cxlctl");
    static final String LIST = "{\"id\":1,\"op\":\"list\",\"args\":{\"memdevs\":true,\"regions\":true,\"decoders\":true,"
            + "\"ports\":true,\"endpoints\":true,\"buses\":true,\"targets\":true,\"idle\":true}}";
    static final String STATUS = "{\"id\":2,\"op\":\"status\"}";

    @TempDir Path tmp;

    JsonNode ask(Dispatcher d, String request) throws IOException {
        JsonNode r = Json.mapper().readTree(d.handle(request, READER).line());
        assertThat(r.path("error").path("code").asText()).as(request + " -> " + r).isNotEqualTo("INTERNAL");
        return r;
    }

    @Test
    void faultsAreReportedOnTheirObjectAndUndoneFaultsLoseNothing() throws Exception {
        Path sys = SysfsFixtures.install("switch2-committed", tmp.resolve("live"));
        Path pristine = SysfsFixtures.install("switch2-committed", tmp.resolve("pristine"));
        Status.Daemon self = new Status.Daemon("test", Response.PROTOCOL_VERSION, 1, Instant.now(), "k", sys.toString());
        Dispatcher d = TestDispatchers.over(sys, self);
        JsonNode baseline = ask(d, LIST).get("result");
        assertThat(baseline.toString()).contains("mem0");
        List<Path> attributes;
        try (Stream<Path> s = Files.walk(sys.resolve("devices"))) {
            attributes = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        List<Path> devices;
        try (Stream<Path> s = Files.list(sys.resolve("bus/cxl/devices"))) {
            devices = s.map(p -> {
                try {
                    return p.toRealPath();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
        Random r = new Random(SEED);
        Map<String, Integer> kinds = new TreeMap<>();
        int reported = 0;
        int changed = 0;
        Map<String, Integer> silent = new TreeMap<>();
        for (int i = 0; i < FAULTS; i++) {
            String kind;
            Path target;
            int k = r.nextInt(10);
            if (k < 2) {
                kind = "device directory vanished";
                target = devices.get(r.nextInt(devices.size()));
                deleteTree(target);
            } else {
                target = attributes.get(r.nextInt(attributes.size()));
                switch (k) {
                    case 2, 3 -> {
                        kind = "attribute vanished";
                        Files.delete(target);
                    }
                    case 4, 5 -> {
                        kind = "attribute holds garbage";
                        byte[] junk = new byte[1 + r.nextInt(64)];
                        r.nextBytes(junk);
                        Files.write(target, junk);
                    }
                    case 6 -> {
                        kind = "attribute holds an out-of-range number";
                        Files.writeString(target, r.nextBoolean() ? "99999999999999999999999\n" : "-1\n");
                    }
                    case 7 -> {
                        kind = "attribute empty";
                        Files.write(target, new byte[0]);
                    }
                    default -> {
                        kind = "attribute cannot be read (a directory in its place)";
                        Files.delete(target);
                        Files.createDirectory(target);
                    }
                }
            }
            kinds.merge(kind, 1, Integer::sum);
            JsonNode list = ask(d, LIST);
            JsonNode status = ask(d, STATUS);
            assertThat(list.get("ok").asBoolean()).as(kind + " " + target + ": " + list).isTrue();
            assertThat(status.get("ok").asBoolean()).as(kind + " " + target + ": " + status).isTrue();
            boolean said = status.at("/result/degraded").size() > 0 || status.at("/result/errors").size() > 0
                    || list.toString().contains("\"errors\"");
            if (!list.get("result").equals(baseline)) {
                changed++;
                if (said) {
                    reported++;
                } else {
                    silent.merge(kind, 1, Integer::sum);
                }
            }
            // undo: the listing is exactly what it was
            restore(pristine.resolve(sys.relativize(target)), target);
            assertThat(ask(d, LIST).get("result")).as("after undoing " + kind + " " + target).isEqualTo(baseline);
        }

        // memdevs removed and put back while requests scan the tree
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger flips = new AtomicInteger();
        List<Path> memdevs = devices.stream().filter(p -> p.getFileName().toString().startsWith("mem")).toList();
        Thread remover = new Thread(() -> {
            Random rr = new Random(SEED + 1);
            try {
                while (!stop.get()) {
                    Path m = memdevs.get(rr.nextInt(memdevs.size()));
                    Path away = m.resolveSibling(m.getFileName() + ".away");
                    Files.move(m, away);
                    Thread.onSpinWait();
                    Files.move(away, m);
                    flips.incrementAndGet();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "remover");
        remover.start();
        int scans = 0;
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) {
            assertThat(ask(d, LIST).get("ok").asBoolean()).isTrue();
            assertThat(ask(d, STATUS).get("ok").asBoolean()).isTrue();
            scans++;
        }
        stop.set(true);
        remover.join();
        assertThat(ask(d, LIST).get("result")).isEqualTo(baseline);
        System.out.printf("sysfs faults (seed %d): %d injected on switch2 (%s), every request answered; %d listings changed,"
                + " %d of them saying what was wrong (the others: %s); every undone fault listed exactly as before; %d scans while memdevs"
                + " were removed and put back %d times: all answered%n", SEED, FAULTS, kinds, changed, reported, silent, scans,
                flips.get());
        // what a reader cannot tell from a real value (an empty region name, -1, an optional attribute
        // gone) may change a listing silently; damage never does
        assertThat(silent).doesNotContainKeys("attribute holds garbage", "attribute cannot be read (a directory in its place)",
                "device directory vanished");
        assertThat(reported).isPositive();
    }

    private static void restore(Path from, Path to) throws IOException {
        if (Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(to);
        }
        if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(to);
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : s.toList()) {
                    Path dest = to.resolve(from.relativize(p).toString());
                    if (Files.isSymbolicLink(p)) {
                        Files.createSymbolicLink(dest, Files.readSymbolicLink(p));
                    } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } else {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>(s.toList());
            all.sort(Comparator.reverseOrder());
            for (Path x : all) {
                Files.delete(x);
            }
        }
    }
}
