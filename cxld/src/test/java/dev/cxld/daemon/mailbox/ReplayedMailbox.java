package dev.cxld.daemon.mailbox;

import dev.cxld.daemon.nativeio.MemdevDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A mailbox that answers with the payloads captured from a guest's memdev
 * ({@code src/test/resources/mailbox/TOPOLOGY/MEMDEV/COMMAND.bin}); commands without a capture are
 * unsupported, as they were in the guest. Get Log serves slices of the captured CEL; the label
 * storage area is an array the test can read. Every call is recorded.
 */
final class ReplayedMailbox implements Mailbox, Mailboxes {
    record Call(CommandId command, byte[] in) {}

    private final String topology;
    private final String memdev;
    private final int payloadMax;
    final byte[] labels;
    final List<Call> calls = new ArrayList<>();

    ReplayedMailbox(String topology, String memdev, int payloadMax, int lsaSize) {
        this.topology = topology;
        this.memdev = memdev;
        this.payloadMax = payloadMax;
        this.labels = new byte[lsaSize];
    }

    byte[] captured(String name) {
        try (InputStream in = getClass().getResourceAsStream("/mailbox/" + topology + "/" + memdev + "/" + name + ".bin")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<CommandId> sent() {
        return calls.stream().map(Call::command).toList();
    }

    @Override
    public <T> T with(String name, Function<Mailbox, T> work) {
        return work.apply(this);
    }

    @Override
    public String memdev() {
        return memdev;
    }

    @Override
    public int payloadMax() {
        return payloadMax;
    }

    @Override
    public List<MemdevDevice.CommandInfo> commands() {
        List<MemdevDevice.CommandInfo> out = new ArrayList<>();
        for (CommandId c : CommandId.values()) {
            out.add(new MemdevDevice.CommandInfo(c.id, 1, 0, -1));
        }
        return out;
    }

    @Override
    public Answer call(CommandId c, byte[] in) {
        calls.add(new Call(c, in.clone()));
        ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        switch (c) {
            case GET_LOG: {
                byte[] cel = captured("CEL");
                int off = b.getInt(0x10);
                int len = b.getInt(0x14);
                if (len > payloadMax) {
                    throw new AssertionError("Get Log asked for " + len + " bytes, more than payload_max " + payloadMax);
                }
                return new Data(Arrays.copyOfRange(cel, off, Math.min(cel.length, off + len)));
            }
            case GET_LSA: {
                int off = b.getInt(0);
                int len = b.getInt(4);
                if (len > payloadMax - 8) {
                    throw new AssertionError("Get LSA asked for " + len + " bytes, more than payload_max - 8");
                }
                return new Data(Arrays.copyOfRange(labels, off, off + len));
            }
            case SET_LSA: {
                int off = b.getInt(0);
                if (in.length > payloadMax) {
                    throw new AssertionError("Set LSA sent " + in.length + " bytes, more than payload_max " + payloadMax);
                }
                System.arraycopy(in, 8, labels, off, in.length - 8);
                return new Data(new byte[0]);
            }
            default:
                byte[] data = captured(c.name());
                return data == null ? new Unsupported(c.title + " was not captured for " + memdev) : new Data(data);
        }
    }
}
