package dev.cxld.daemon.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability suite's crash consistency for handoffs: cxld in a process of its own, over a
 * captured tree, is killed with SIGKILL at random moments of a loop of attach, detach, process
 * leases whose process ends and connection leases, then started again on the same state. After
 * every restart: every acknowledged handoff is there, no released one came back, a change that was
 * under way when cxld died either happened whole or not at all, a lease whose holder is gone (its
 * process exited, or its connection died with cxld) is released, and the state file reads. It
 * prints what it tried and found. {@code -Dcxld.crash.kills=N} (default 200) and
 * {@code -Dcxld.crash.seed=S} make longer or other runs.
 */
class HandoffCrashTest {
    static final int KILLS = Integer.getInteger("cxld.crash.kills", 200);
    static final long SEED = Long.getLong("cxld.crash.seed", 20261203L);

    @TempDir Path tmp;
    Process daemon;
    final List<Process> helpers = new ArrayList<>();

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.destroyForcibly();
        }
        helpers.forEach(Process::destroyForcibly);
    }

    /** What the test knows of region1's handoff: its state as last acknowledged, and a change under way. */
    enum Held { FREE, HELD, LEASED_PROCESS, LEASED_CONNECTION }

    @Test
    void killedAtRandomMomentsItLosesNoAcknowledgedHandoffAndRevivesNoReleasedOne() throws Exception {
        Path sys = SysfsFixtures.install("ram3-committed", tmp);
        SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
        Files.writeString(tmp.resolve("cxld.conf"), ""); // no accelerators: only the loop changes handoffs
        Random r = new Random(SEED);
        Map<String, Integer> found = new TreeMap<>();
        Held acked = Held.FREE;
        int kills = 0;
        int acks = 0;
        long started = System.nanoTime();
        while (kills < KILLS) {
            daemon = start(sys);
            // after a restart: as acknowledged, or the change under way happened whole
            JsonNode active = status().at("/result/handoffs/active");
            JsonNode problems = status().at("/result/handoffs/state_problems");
            assertThat(problems.isMissingNode()).as("after kill " + kills + ": the state file reads: " + problems).isTrue();
            assertThat(active.size()).as("after kill " + kills + ": at most one handoff of region1: " + active).isLessThanOrEqualTo(1);
            boolean held = active.size() == 1;
            Held now = held ? Held.HELD : Held.FREE;
            String k = "after kill " + kills + " (" + acked + (pending == null ? "" : ", " + pending + " under way") + "): "
                    + active;
            switch (acked) {
                case HELD -> {
                    // the acknowledged handoff is there, unless a detach under way happened whole
                    assertThat(held || pending == Held.FREE).as(k + ": the acknowledged handoff is there").isTrue();
                    found.merge(pending == Held.FREE ? (held ? "detach under way: did not happen" : "detach under way: happened")
                            : "held, as acknowledged", 1, Integer::sum);
                }
                case FREE -> {
                    // no released handoff came back; only an attach under way may have happened
                    assertThat(!held || pending == Held.HELD).as(k + ": no released handoff came back").isTrue();
                    found.merge(pending == Held.HELD ? (held ? "attach under way: happened" : "attach under way: did not happen")
                            : "free, as acknowledged", 1, Integer::sum);
                }
                default -> {
                    // a lease whose holder is gone (its process killed, its connection dead with cxld) is released
                    assertThat(held).as(k + ": a lease whose holder is gone was released").isFalse();
                    found.merge(acked == Held.LEASED_PROCESS ? "process lease ended: released" : "connection lease ended"
                            + " with cxld: released at start", 1, Integer::sum);
                }
            }
            acked = now;
            pending = null;
            // changes one after another, cut short by SIGKILL from another thread at a random moment,
            // most often while a change is under way
            long killAt = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(r.nextInt(60_000));
            Thread killer = new Thread(() -> kill(killAt), "killer");
            killer.start();
            try (SocketChannel ch = connect()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                SocketChannel leaseConnection = null;
                while (true) {
                    String request;
                    Held next;
                    Process helper = null;
                    if (acked == Held.FREE) {
                        int kind = r.nextInt(3);
                        if (kind == 0) {
                            request = "{\"id\":1,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\"}}";
                            next = Held.HELD;
                        } else if (kind == 1) {
                            helper = new ProcessBuilder("sleep", "3600").start();
                            helpers.add(helper);
                            request = "{\"id\":1,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\",\"lease\":\"process\","
                                    + "\"pid\":" + helper.pid() + "}}";
                            next = Held.LEASED_PROCESS;
                        } else {
                            request = "{\"id\":1,\"op\":\"attach-region\",\"args\":{\"memdev\":\"mem2\",\"lease\":\"connection\"}}";
                            next = Held.LEASED_CONNECTION;
                        }
                    } else {
                        request = "{\"id\":1,\"op\":\"detach-region\",\"args\":{\"target\":\"mem2\",\"force\":true}}";
                        next = Held.FREE;
                    }
                    pending = next == Held.FREE ? Held.FREE : Held.HELD;
                    JsonNode answer;
                    if (next == Held.LEASED_CONNECTION) {
                        // held by a connection of its own, which stays open until cxld dies
                        leaseConnection = connect();
                        answer = ask(leaseConnection, new BufferedReader(new InputStreamReader(
                                Channels.newInputStream(leaseConnection), StandardCharsets.UTF_8)), request);
                    } else {
                        answer = ask(ch, in, request);
                    }
                    if (answer == null) {
                        break; // cxld died under the request
                    }
                    assertThat(answer.get("ok").asBoolean()).as(request + " -> " + answer).isTrue();
                    acks++;
                    pending = null;
                    acked = next;
                    if (helper != null) {
                        // the lease's process ends: cxld releases it (now, or at its next start)
                        helper.destroyForcibly().waitFor();
                        acked = Held.LEASED_PROCESS;
                        break;
                    }
                    if (next == Held.LEASED_CONNECTION) {
                        break; // held until cxld dies with the connection
                    }
                }
                killer.join();
                if (leaseConnection != null) {
                    leaseConnection.close();
                }
            }
            kills++;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("crash consistency (seed %d): %d SIGKILLs of cxld in %.0f s, %d acknowledged changes, 0 lost,"
                + " 0 revived; after each restart: %s%n", SEED, kills, seconds, acks, found);
        assertThat(kills).isEqualTo(KILLS);
    }

    /** The change under way when cxld died: HELD for an attach, FREE for a detach; null when none was. */
    Held pending;

    private void kill(long at) {
        try {
            long wait = at - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            daemon.destroyForcibly(); // SIGKILL
            daemon.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process start(Path sys) throws Exception {
        Path socket = tmp.resolve("cxld.sock");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), "dev.cxld.daemon.Main",
                "--sysfs-root", sys.toString(), "--socket", socket.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--run-dir", tmp.resolve("run").toString(), "--dev-root", tmp.resolve("dev").toString(), "--tracefs", "none",
                "--config", tmp.resolve("cxld.conf").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("cxld.log").toFile())).start();
        long t0 = System.nanoTime();
        while (true) {
            try (SocketChannel ch = connect()) {
                if (ask(ch, new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)),
                        "{\"id\":1,\"op\":\"hello\"}") != null) {
                    return p;
                }
            } catch (IOException e) {
                // not yet
            }
            if (!p.isAlive() || System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                p.destroyForcibly();
                String log = Files.readString(tmp.resolve("cxld.log"));
                throw new AssertionError("cxld did not start: " + log.substring(Math.max(0, log.length() - 3000)));
            }
            Thread.sleep(5);
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(tmp.resolve("cxld.sock")));
        return ch;
    }

    private JsonNode status() throws IOException {
        try (SocketChannel ch = connect()) {
            return ask(ch, new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)),
                    "{\"id\":1,\"op\":\"status\"}");
        }
    }

    /** The answer to {@code request}, or null when cxld died before answering. */
    private static JsonNode ask(SocketChannel ch, BufferedReader in, String request) throws IOException {
        try {
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            String line = in.readLine();
            return line == null ? null : Json.mapper().readTree(line);
        } catch (IOException e) {
            return null;
        }
    }
}
