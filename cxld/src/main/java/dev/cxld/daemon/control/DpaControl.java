package dev.cxld.daemon.control;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.SysfsAttributes;
import dev.cxld.protocol.ErrorCode;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.DecoderKind;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Topology;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * reserve-dpa and free-dpa, as ndctl's {@code cxl reserve-dpa}/{@code free-dpa} do them
 * ({@code __reserve_dpa} in cxl/memdev.c): allocate device physical address space on a memdev's
 * next free endpoint decoder ({@code mode}, then {@code dpa_size}), or release it from the last
 * allocated one that decodes nothing. The kernel requires DPA to be allocated in decoder order and
 * freed in reverse; a request out of that order is refused before it reaches the kernel unless
 * forced (to exercise the kernel's own checks), as ndctl does. Every step writes one attribute; the
 * answer is the decoder as it is afterwards.
 */
public final class DpaControl {
    private final SysfsAttributes sysfs;
    private final Snapshots snapshots;
    private final MemdevControl.Guard guard;

    public DpaControl(SysfsAttributes sysfs, Snapshots snapshots, MemdevControl.Guard guard) {
        this.sysfs = sysfs;
        this.snapshots = snapshots;
        this.guard = guard;
    }

    /** What to reserve or free: type ram or pmem (ndctl's default: ram), size (null: all, or for free 0). */
    public record Request(String memdev, String type, Long size, String decoder, boolean force) {}

    public ObjectNode reserve(Request q) {
        try (MemdevControl.Guard.Claim claim = guard.claim(q.memdev(), "reserve-dpa")) {
            return apply(q, true);
        }
    }

    public ObjectNode free(Request q) {
        try (MemdevControl.Guard.Claim claim = guard.claim(q.memdev(), "free-dpa")) {
            return apply(q, false);
        }
    }

    private synchronized ObjectNode apply(Request q, boolean alloc) {
        String type = q.type() == null ? "ram" : q.type();
        if (!type.equals("ram") && !type.equals("pmem")) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, q.memdev() + ": unsupported type: " + type + " (ram or pmem)");
        }
        Topology t = snapshots.fresh().topology();
        Memdev m = MemdevControl.find(t, q.memdev());
        if (m.endpoint() == null) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, m.memdev() + ": CXL operation disabled (the memdev has no"
                    + " endpoint port: enable it first)");
        }
        List<Decoder> decoders = t.decoders().stream()
                .filter(d -> d.kind() == DecoderKind.ENDPOINT && m.endpoint().equals(d.port()))
                .sorted(Comparator.comparingLong(Decoder::instance))
                .collect(Collectors.toList());
        long avail = type.equals("ram") ? nz(m.ramSize()) : nz(m.pmemSize());
        for (Decoder d : decoders) {
            if (d.dpaSize() == null || !type.equals(d.mode())) {
                continue;
            }
            if (d.dpaSize() > avail) {
                throw new Refusal(ErrorCode.KERNEL_ERROR, m.memdev() + ": capacity accounting error: the " + type
                        + " decoders of " + m.endpoint() + " hold more DPA than its " + type + " partition");
            }
            avail -= d.dpaSize();
        }
        long size;
        if (q.size() == null) {
            size = alloc ? avail : 0;
            if (alloc && avail == 0) {
                throw new Refusal(ErrorCode.IN_USE, m.memdev() + ": no available " + type + " capacity");
            }
        } else {
            size = q.size();
            if (size < 0 || (size > avail && !q.force())) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, m.memdev() + ": " + size + " bytes exceeds the available "
                        + type + " capacity (" + avail + " bytes)");
            }
        }
        Decoder auto = null;
        if (alloc) {
            auto = decoders.stream().filter(d -> d.dpaSize() != null && d.dpaSize() == 0).findFirst().orElse(null);
        } else {
            for (int i = decoders.size() - 1; i >= 0; i--) {
                Decoder d = decoders.get(i);
                if (d.dpaSize() == null || d.dpaSize() == 0) {
                    continue;
                }
                if (d.size() != null && d.size() != 0) {
                    break; // a decoder that decodes HPA cannot be freed, nor can any before it
                }
                auto = d;
                break;
            }
        }
        Decoder target = auto;
        if (q.decoder() != null) {
            String want = q.decoder().matches("\\d+")
                    ? "decoder" + m.endpoint().replaceAll("\\D", "") + "." + q.decoder() : q.decoder();
            target = decoders.stream().filter(d -> d.decoder().equals(want)).findFirst()
                    .orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, m.memdev() + ": no match for decoder: '"
                            + q.decoder() + "' among " + decoders.stream().map(Decoder::decoder)
                                    .collect(Collectors.joining(", "))));
            if (target != auto && !q.force()) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, m.memdev() + ": " + target.decoder() + " is out of sequence:"
                        + " DPA is " + (alloc ? "allocated" : "freed") + " " + (alloc ? "in" : "in reverse")
                        + " decoder order" + (auto == null ? "" : ", and the next is " + auto.decoder()));
            }
        }
        if (target == null) {
            throw new Refusal(ErrorCode.IN_USE, m.memdev() + ": no suitable decoder found on " + m.endpoint()
                    + (alloc ? " (every endpoint decoder has DPA)" : " (none has DPA it does not decode)"));
        }
        if (!type.equals(target.mode())) {
            write(target, "dpa_size", "0", "clear the allocation of " + target.decoder() + " to set its mode");
            write(target, "mode", type, "set the mode of " + target.decoder() + " to " + type);
        }
        write(target, "dpa_size", "0x" + Long.toHexString(size), (alloc ? "allocate" : "free") + " DPA on "
                + target.decoder());
        Topology after = snapshots.fresh().topology();
        Decoder now = after.decoder(target.decoder()).orElse(target);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("memdev", m.memdev());
        o.put("decoder", now.decoder());
        if (now.mode() != null) {
            o.put("mode", now.mode());
        }
        if (now.dpaResource() != null) {
            o.put("dpa_resource", now.dpaResource());
        }
        if (now.dpaSize() != null) {
            o.put("dpa_size", now.dpaSize());
        }
        return o;
    }

    private void write(Decoder d, String attribute, String value, String what) {
        sysfs.write(sysfs.device(d.decoder(), attribute), value + "\n", what);
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}
