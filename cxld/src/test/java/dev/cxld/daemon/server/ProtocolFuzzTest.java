package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability suite's protocol fuzzing: generated frames (malformed, truncated, oversized,
 * deeply nested, wrong types, random bytes, every operation with hostile arguments) pipelined on
 * many connections to the socket server over a captured tree. Every request line must get exactly
 * one answer, in order, each a JSON object with {@code ok}; the server must keep serving; its
 * descriptors and heap must come back to where they were. It prints what it tried and found.
 * {@code -Dcxld.fuzz.frames=N} (default 100,000) and {@code -Dcxld.fuzz.seed=S} make longer or
 * other runs; a failure names the seed, the connection and the frame.
 */
class ProtocolFuzzTest {
    static final int FRAMES = Integer.getInteger("cxld.fuzz.frames", 100_000);
    static final long SEED = Long.getLong("cxld.fuzz.seed", 20261203L);
    static final int CONNECTIONS = 16;
    /** Frames a connection writes before it reads their answers. */
    static final int BATCH = 64;

    @TempDir Path tmp;
    SocketServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** One generated frame: its bytes (no newline), its kind, and the id its answer must carry, if any. */
    record Frame(byte[] bytes, String kind, Long id) {
        boolean answered() {
            // the server skips blank lines, as the protocol says; everything else is one answer
            return !new String(bytes, StandardCharsets.UTF_8).isBlank();
        }
    }

    @Test
    void everyFrameGetsExactlyOneAnswerAndTheServerStaysWithinBounds() throws Exception {
        Dispatcher dispatcher = TestDispatchers.over(SysfsFixtures.install("ram3-committed", tmp));
        List<String> ops = new ArrayList<>(dispatcher.operations().keySet());
        ops.remove("monitor"); // a stream: its events are not answers (SocketServerTest and the VM tests cover it)
        server = TestDispatchers.serve(tmp.resolve("s"), dispatcher, Limits.DEFAULT);
        answer(tmp.resolve("s"), "{\"id\":0,\"op\":\"status\"}"); // warm: the first snapshot is read
        long fdsBefore = descriptors();
        long heapBefore = heapAfterGc();

        Map<String, AtomicLong> kinds = new ConcurrentHashMap<>();
        Map<String, AtomicLong> codes = new ConcurrentHashMap<>();
        AtomicLong answers = new AtomicLong();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            int conn = c;
            Generator gen = new Generator(new Random(SEED * 31 + c), ops);
            int frames = FRAMES / CONNECTIONS + (c < FRAMES % CONNECTIONS ? 1 : 0);
            done.add(pool.submit(() -> {
                runConnection(conn, gen, frames, kinds, codes, answers);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - started) / 1e9;

        // still serving, and back within bounds once the clients are gone
        assertThat(server.accepting()).isTrue();
        assertThat(answer(tmp.resolve("s"), "{\"id\":9,\"op\":\"status\"}").get("ok").asBoolean()).isTrue();
        long fdsAfter = 0;
        for (int i = 0; i < 50; i++) {
            fdsAfter = descriptors();
            if (fdsAfter <= fdsBefore + 2) {
                break;
            }
            Thread.sleep(100);
        }
        long heapAfter = heapAfterGc();
        long sent = kinds.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf("protocol fuzzing (seed %d): %d frames on %d connections in %.1f s (%.0f frames/s), %d answers,"
                + " 0 lost; by kind %s; answers by outcome %s; descriptors %d before, %d after; heap %.1f MiB before,"
                + " %.1f MiB after%n", SEED, sent, CONNECTIONS, seconds, sent / seconds, answers.get(), new TreeMap<>(kinds),
                new TreeMap<>(codes), fdsBefore, fdsAfter, heapBefore / 1048576.0, heapAfter / 1048576.0);
        assertThat(sent).isEqualTo(FRAMES);
        assertThat(fdsAfter).as("descriptors after the run").isLessThanOrEqualTo(fdsBefore + 2);
        assertThat(heapAfter).as("heap after the run").isLessThan(heapBefore + (64L << 20));
        assertThat(codes).doesNotContainKey("INTERNAL");
    }

    /** Writes the frames in batches and reads each batch's answers; fails on a lost, extra or misplaced one. */
    private void runConnection(int conn, Generator gen, int frames, Map<String, AtomicLong> kinds,
            Map<String, AtomicLong> codes, AtomicLong answers) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(tmp.resolve("s")));
            InputStream in = Channels.newInputStream(ch);
            int sent = 0;
            while (sent < frames) {
                List<Frame> batch = new ArrayList<>();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 0; i < BATCH && sent < frames; i++, sent++) {
                    Frame f = gen.next();
                    batch.add(f);
                    kinds.computeIfAbsent(f.kind(), k -> new AtomicLong()).incrementAndGet();
                    out.write(f.bytes());
                    out.write('\n');
                }
                ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                for (Frame f : batch) {
                    if (!f.answered()) {
                        continue;
                    }
                    String line = readLine(in);
                    String where = "seed " + SEED + ", connection " + conn + ", frame of kind " + f.kind() + ": "
                            + new String(f.bytes(), 0, Math.min(f.bytes().length, 200), StandardCharsets.UTF_8);
                    assertThat(line).as("the answer to " + where).isNotNull();
                    JsonNode r = Json.mapper().readTree(line);
                    assertThat(r.isObject() && r.path("ok").isBoolean()).as(where + " answered " + line).isTrue();
                    if (f.id() != null) {
                        assertThat(r.path("id").asLong(-1)).as("the id of the answer to " + where).isEqualTo(f.id());
                    }
                    String code = r.get("ok").asBoolean() ? "ok" : r.path("error").path("code").asText();
                    codes.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
                    answers.incrementAndGet();
                }
            }
        }
    }

    /** The next line, without its newline; null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return b.toString(StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return null;
    }

    private static JsonNode answer(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return Json.mapper().readTree(readLine(Channels.newInputStream(ch)));
        }
    }

    private static long descriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The frames, by kind, from a seeded random source. */
    static final class Generator {
        private final Random r;
        private final List<String> ops;
        private long nextId = 1;

        Generator(Random r, List<String> ops) {
            this.r = r;
            this.ops = ops;
        }

        static final String[] HOSTILE_TEXT = {"../../../../etc/passwd", "mem0/../mem1", "/sys/bus/cxl", "..", "mem0\u0000",
            "region0\n", "x".repeat(300), "", " ", "mem99999999", "region0", "mem0", "decoder0.0", "port1", "root0",
            "\u202emem0", "%s%n", "${jndi:x}", "\\", "\"", "mem0;reboot", "ACPI.CXL", "all"};
        static final String[] ARGS = {"memdev", "memdevs", "region", "target", "decoder", "root", "port", "bus", "dport",
            "type", "size", "address", "offset", "length", "data", "force", "owner", "lease", "pid", "uuid", "ways",
            "granularity", "verbose", "memdevFilter", "severity", "protocol", "keep_devdax", "create", "slot", "timeout"};

        Frame next() {
            int k = r.nextInt(100);
            if (k < 30) {
                return hostileOperation();
            } else if (k < 40) {
                return valid();
            } else if (k < 55) {
                return mutated();
            } else if (k < 63) {
                return truncated();
            } else if (k < 70) {
                return new Frame(randomBytes(1 + r.nextInt(300)), "random-bytes", null);
            } else if (k < 76) {
                return nested();
            } else if (k < 86) {
                return wrongTypes();
            } else if (k < 88) {
                return oversized();
            } else {
                return wrongShape();
            }
        }

        private Frame valid() {
            long id = nextId++;
            String[] reqs = {"{\"id\":" + id + ",\"op\":\"hello\"}", "{\"id\":" + id + ",\"op\":\"status\"}",
                "{\"id\":" + id + ",\"op\":\"list\",\"args\":{\"memdevs\":true,\"regions\":true}}",
                "{\"id\":" + id + ",\"op\":\"list\",\"format\":\"text\"}",
                "{\"id\":" + id + ",\"op\":\"metrics\"}"};
            return frame(reqs[r.nextInt(reqs.length)], "valid", id);
        }

        private Frame hostileOperation() {
            long id = nextId++;
            ObjectNode req = Json.mapper().createObjectNode().put("id", id).put("op", ops.get(r.nextInt(ops.size())));
            ObjectNode args = req.putObject("args");
            for (int i = r.nextInt(6); i >= 0; i--) {
                String name = ARGS[r.nextInt(ARGS.length)];
                if (name.equals("lease")) {
                    args.put(name, "durable"); // never a stream: its events would not be answers
                    continue;
                }
                args.set(name, hostileValue());
            }
            return frame(req.toString(), "operation-hostile-args", id);
        }

        private JsonNode hostileValue() {
            return switch (r.nextInt(9)) {
                case 0 -> Json.mapper().getNodeFactory().textNode(HOSTILE_TEXT[r.nextInt(HOSTILE_TEXT.length)]);
                case 1 -> Json.mapper().getNodeFactory().numberNode(new long[] {-1, 0, Long.MAX_VALUE, Long.MIN_VALUE,
                    1L << 32, 4096, 268435456}[r.nextInt(7)]);
                case 2 -> Json.mapper().getNodeFactory().numberNode(r.nextDouble() * 1e300);
                case 3 -> Json.mapper().getNodeFactory().booleanNode(r.nextBoolean());
                case 4 -> Json.mapper().getNodeFactory().nullNode();
                case 5 -> {
                    ArrayNode a = Json.mapper().createArrayNode();
                    for (int i = r.nextInt(4); i > 0; i--) {
                        a.add(HOSTILE_TEXT[r.nextInt(HOSTILE_TEXT.length)]);
                    }
                    yield a;
                }
                case 6 -> Json.mapper().createObjectNode().put("x", 1);
                case 7 -> Json.mapper().getNodeFactory().textNode("mem" + r.nextInt(4));
                default -> Json.mapper().getNodeFactory().numberNode(new java.math.BigInteger(200, r));
            };
        }

        private Frame mutated() {
            byte[] b = hostileOperation().bytes();
            for (int i = 1 + r.nextInt(4); i > 0; i--) {
                int at = r.nextInt(b.length);
                switch (r.nextInt(3)) {
                    case 0 -> b[at] = (byte) r.nextInt(256);
                    case 1 -> b = splice(b, at, new byte[] {"{}[]\",:\\0".getBytes(StandardCharsets.US_ASCII)[r.nextInt(9)]});
                    default -> b = splice(b, at, new byte[0], 1);
                }
            }
            return new Frame(noNewline(b), "mutated", null);
        }

        private Frame truncated() {
            byte[] b = hostileOperation().bytes();
            return new Frame(java.util.Arrays.copyOf(b, r.nextInt(b.length)), "truncated", null);
        }

        private Frame nested() {
            int depth = 1 + r.nextInt(r.nextBoolean() ? 50 : 20_000);
            StringBuilder s = new StringBuilder("{\"id\":1,\"op\":\"list\",\"args\":");
            String open = r.nextBoolean() ? "[" : "{\"a\":";
            String close = open.equals("[") ? "]" : "}";
            s.append(open.repeat(depth)).append("1").append(close.repeat(depth)).append('}');
            String text = s.length() > SocketServer.MAX_LINE ? s.substring(0, SocketServer.MAX_LINE - 1) : s.toString();
            return frame(text, "deeply-nested", null);
        }

        private Frame wrongTypes() {
            long id = nextId++;
            String op = ops.get(r.nextInt(ops.size()));
            String[] reqs = {"{\"id\":" + id + ",\"op\":7}", "{\"id\":" + id + ",\"op\":[\"" + op + "\"]}",
                "{\"id\":" + id + ",\"op\":\"" + op + "\",\"args\":\"x\"}", "{\"id\":" + id + ",\"op\":\"" + op + "\",\"args\":[1]}",
                "{\"id\":" + id + ",\"op\":\"" + op + "\",\"format\":7}", "{\"id\":" + id + ",\"op\":null}",
                "{\"id\":" + id + ",\"op\":\"" + op + "\",\"args\":{\"memdev\":{\"a\":1}}}",
                "{\"id\":" + id + ",\"op\":\"" + op + "\",\"args\":{\"memdevs\":\"mem0\"}}"};
            return frame(reqs[r.nextInt(reqs.length)], "wrong-types", id);
        }

        private Frame oversized() {
            int n = SocketServer.MAX_LINE + 1 + r.nextInt(200_000);
            String pad = "x".repeat(n);
            return frame("{\"id\":1,\"op\":\"hello\",\"pad\":\"" + pad + "\"}", "oversized", null);
        }

        private Frame wrongShape() {
            String[] reqs = {"null", "[]", "\"status\"", "42", "true", "{}", "{\"id\":1}", "[{\"id\":1,\"op\":\"hello\"}]",
                "{\"id\":1,\"op\":\"hello\"} {\"id\":2,\"op\":\"hello\"}", "{\"id\":1,\"op\":\"hello\",}", "\t", "",
                "{\"id\":1,\"op\":\"hello\",\"op\":\"status\"}", "\u00ef\u00bb\u00bf{\"id\":1,\"op\":\"hello\"}"};
            return frame(reqs[r.nextInt(reqs.length)], "wrong-shape", null);
        }

        private byte[] randomBytes(int n) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            return noNewline(b);
        }

        private static Frame frame(String text, String kind, Long id) {
            return new Frame(noNewline(text.getBytes(StandardCharsets.UTF_8)), kind, id);
        }

        /** A newline inside a frame would make two frames: it becomes a space. */
        private static byte[] noNewline(byte[] b) {
            for (int i = 0; i < b.length; i++) {
                if (b[i] == '\n') {
                    b[i] = ' ';
                }
            }
            return b;
        }

        private static byte[] splice(byte[] b, int at, byte[] insert) {
            return splice(b, at, insert, 0);
        }

        private static byte[] splice(byte[] b, int at, byte[] insert, int remove) {
            int rm = Math.min(remove, b.length - at);
            byte[] o = new byte[b.length - rm + insert.length];
            System.arraycopy(b, 0, o, 0, at);
            System.arraycopy(insert, 0, o, at, insert.length);
            System.arraycopy(b, at + rm, o, at + insert.length, b.length - at - rm);
            return o;
        }
    }
}
