package dev.cxld.daemon.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** Clients querying a socket at once, each one query after another: latency percentiles and rate. */
final class Load {
    record Result(double p50, double p99, double p999, double qps, long busy) {}

    private Load() {}

    /** {@code clients} connections, each sending {@code total / clients} queries one after another. */
    static Result run(Path socket, String query, int clients, int total) throws Exception {
        int each = Math.max(1, total / clients);
        long[][] ns = new long[clients][each];
        AtomicLong busy = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        byte[] q = query.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < clients; i++) {
            int me = i;
            Thread t = new Thread(() -> {
                try (Client c = new Client(socket)) {
                    ready.countDown();
                    go.await();
                    for (int k = 0; k < each; k++) {
                        if ((ns[me][k] = c.ask(q)) < 0) {
                            busy.incrementAndGet();
                            return;
                        }
                    }
                } catch (Exception e) {
                    busy.incrementAndGet();
                    ready.countDown();
                }
            });
            t.start();
            threads.add(t);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(ns).flatMapToLong(Arrays::stream).filter(x -> x > 0).sorted().toArray();
        return new Result(pct(all, 0.5), pct(all, 0.99), pct(all, 0.999), all.length / seconds, busy.get());
    }

    /**
     * {@code clients} connections, each sending {@code each} queries, one every {@code periodMs}
     * (staggered; a late query goes at once, without a burst to catch up): agents polling, not a
     * saturating load. The latency is from sending to the answer.
     */
    static Result paced(Path socket, String query, int clients, int periodMs, int each) throws Exception {
        long[][] ns = new long[clients][each];
        AtomicLong busy = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        byte[] q = query.getBytes(StandardCharsets.UTF_8);
        long period = periodMs * 1_000_000L;
        long start = System.nanoTime() + 100_000_000L;
        for (int i = 0; i < clients; i++) {
            int me = i;
            Thread t = new Thread(() -> {
                try (Client c = new Client(socket)) {
                    long next = start + period * me / clients;
                    for (int k = 0; k < each; k++) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                        }
                        if ((ns[me][k] = c.ask(q)) < 0) {
                            busy.incrementAndGet();
                            return;
                        }
                        next = Math.max(next + period, System.nanoTime());
                    }
                } catch (Exception e) {
                    busy.incrementAndGet();
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(ns).flatMapToLong(Arrays::stream).filter(x -> x > 0).sorted().toArray();
        return new Result(pct(all, 0.5), pct(all, 0.99), pct(all, 0.999), all.length / seconds, busy.get());
    }

    /** One connection, asking one query at a time. */
    private static final class Client implements AutoCloseable {
        private final SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        private final BufferedReader in;

        Client(Path socket) throws java.io.IOException {
            channel.connect(UnixDomainSocketAddress.of(socket));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8), 1 << 20);
        }

        /** Nanoseconds from sending {@code query} to its answer; -1 when cxld was busy or hung up. */
        long ask(byte[] query) throws java.io.IOException {
            long t0 = System.nanoTime();
            channel.write(ByteBuffer.wrap(query));
            String line = in.readLine();
            long ns = System.nanoTime() - t0;
            return line == null || line.contains("\"BUSY\"") ? -1 : Math.max(1, ns);
        }

        @Override
        public void close() throws java.io.IOException {
            channel.close();
        }
    }

    /** The {@code p} quantile of sorted nanoseconds, in ms. */
    static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }
}
