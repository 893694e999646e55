package dev.cxld.daemon.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.nativeio.MemdevDevice;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorBody;
import dev.cxld.protocol.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability suite's mailbox faults: a device whose mailbox times out, fails, is busy, or
 * answers short, empty, oversized or garbage payloads, under every reading command cxld offers.
 * Each call gives a result or a refusal that names the memdev and the reason (never an internal
 * error from decoding what the device sent), and the same mailbox answers correctly once it is
 * well again. It prints what it tried and found. {@code -Dcxld.mailbox.faults=N} (default 3,000).
 */
class MailboxFaultTest {
    static final int CALLS = Integer.getInteger("cxld.mailbox.faults", 3000);
    static final long SEED = Long.getLong("cxld.mailbox.seed", 20261203L);

    @TempDir Path tmp;

    /** The captured mailbox, with a fault on a share of its calls. */
    static final class FaultyMailbox implements Mailbox, Mailboxes {
        final ReplayedMailbox real;
        final Random r;
        volatile boolean faulty = true;
        final Map<String, Integer> injected = new TreeMap<>();

        FaultyMailbox(ReplayedMailbox real, Random r) {
            this.real = real;
            this.r = r;
        }

        @Override
        public <T> T with(String name, Function<Mailbox, T> work) {
            return work.apply(this);
        }

        @Override
        public String memdev() {
            return real.memdev();
        }

        @Override
        public int payloadMax() {
            return real.payloadMax();
        }

        @Override
        public List<MemdevDevice.CommandInfo> commands() {
            return real.commands();
        }

        @Override
        public Answer call(CommandId c, byte[] in) {
            Answer a = real.call(c, in);
            if (!faulty || r.nextInt(3) != 0) {
                return a;
            }
            byte[] good = a instanceof Data d ? d.bytes() : new byte[0];
            String kind;
            Answer out;
            switch (r.nextInt(7)) {
                case 0 -> {
                    kind = "timed out (ETIMEDOUT)";
                    throw count(kind, new Refusal(ErrorBody.kernel(memdev() + ": " + c.title + ": Connection timed out",
                            110, "ETIMEDOUT", "/dev/cxl/" + memdev())));
                }
                case 1 -> {
                    kind = "I/O error (EIO)";
                    throw count(kind, new Refusal(ErrorBody.kernel(memdev() + ": " + c.title + ": Input/output error",
                            5, "EIO", "/dev/cxl/" + memdev())));
                }
                case 2 -> {
                    kind = "device busy or failed (return code)";
                    out = new Unsupported(c.title + " failed: the device returned Busy (0x0006)");
                }
                case 3 -> {
                    kind = "short payload";
                    out = new Data(Arrays.copyOf(good, good.length == 0 ? 0 : r.nextInt(good.length)));
                }
                case 4 -> {
                    kind = "empty payload";
                    out = new Data(new byte[0]);
                }
                case 5 -> {
                    kind = "garbage payload";
                    byte[] junk = new byte[Math.max(1, good.length)];
                    r.nextBytes(junk);
                    out = new Data(junk);
                }
                default -> {
                    kind = "oversized payload";
                    byte[] big = Arrays.copyOf(good, good.length + 1 + r.nextInt(4096));
                    r.nextBytes(big);
                    out = new Data(big);
                }
            }
            injected.merge(kind, 1, Integer::sum);
            return out;
        }

        private Refusal count(String kind, Refusal f) {
            injected.merge(kind, 1, Integer::sum);
            return f;
        }
    }

    @Test
    void aFailingMailboxGivesReasonsNeverInternalErrors() throws Exception {
        Path sys = SysfsFixtures.install("pmem2-committed", tmp);
        Snapshots snapshots = new Snapshots(new CxlSysfs(sys), Clock.systemUTC(), new EventBus(Clock.systemUTC()));
        FaultyMailbox mailbox = new FaultyMailbox(new ReplayedMailbox("pmem2", "mem0", 64, 256 * 1024), new Random(SEED));
        MemdevCommands commands = new MemdevCommands(mailbox, new SysfsAttributes(sys), snapshots);
        List<Function<MemdevCommands, ObjectNode>> reads = List.of(c -> c.identify("mem0"), c -> c.health("mem0"),
                c -> c.partition("mem0"), c -> c.firmware("mem0"), c -> c.alertConfig("mem0"), c -> c.timestamp("mem0"),
                c -> c.shutdownState("mem0"), c -> c.logs("mem0"), c -> c.labelsRead("mem0", 0, 512L),
                c -> c.listDetails("mem0", true, true, true, true), c -> c.commands("mem0"));
        // what a well mailbox answers, to compare with once the faults stop
        mailbox.faulty = false;
        List<String> well = reads.stream().map(f -> f.apply(commands).toString()).toList();
        mailbox.faulty = true;
        Random r = new Random(SEED + 1);
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < CALLS; i++) {
            int which = r.nextInt(reads.size());
            try {
                ObjectNode result = reads.get(which).apply(commands);
                assertThat(result).isNotNull();
                outcomes.merge(result.toString().equals(well.get(which)) ? "answered as when well" : "answered, with what"
                        + " the device said", 1, Integer::sum);
            } catch (Refusal f) {
                assertThat(f.error().code()).as(f.getMessage()).isIn(ErrorCode.KERNEL_ERROR, ErrorCode.DEVICE_ERROR,
                        ErrorCode.UNAVAILABLE);
                assertThat(f.getMessage()).as("a refusal names the memdev").contains("mem0");
                outcomes.merge(f.error().code().name(), 1, Integer::sum);
            }
        }
        // well again: the same answers as before the faults
        mailbox.faulty = false;
        for (int i = 0; i < reads.size(); i++) {
            assertThat(reads.get(i).apply(commands).toString()).isEqualTo(well.get(i));
        }
        System.out.printf("mailbox faults (seed %d): %d reading commands, faults injected %s; outcomes %s; 0 internal"
                + " errors; every command answered as before once the mailbox was well%n", SEED, CALLS, mailbox.injected,
                outcomes);
    }
}
