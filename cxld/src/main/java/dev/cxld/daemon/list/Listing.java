package dev.cxld.daemon.list;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.events.PoisonList;
import dev.cxld.daemon.mailbox.MemdevCommands;
import dev.cxld.daemon.sysfs.CxlDebugfs;
import dev.cxld.daemon.sysfs.MemorySysfs;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.MemdevDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code list} operation: ndctl's {@code cxl list} walk over a fresh snapshot and, when asked
 * ({@code -H -I -F -A}, {@code -vvv}), each listed memdev's mailbox details. Plain listing never
 * opens a mailbox.
 */
public final class Listing {
    private static final Logger LOG = LoggerFactory.getLogger(Listing.class);

    /** How many distinct listings are kept rendered for the current snapshot, in each form. */
    static final int RENDERED = 32;

    private final Snapshots snapshots;
    private final MemdevCommands mailbox;
    /** The snapshot the rendered listings were made from. */
    private dev.cxld.protocol.model.Topology renderedFor;
    /** Listings as compact JSON (raw nodes) and as the text cxlctl prints, by their parameters. */
    private final java.util.Map<ListParams, JsonNode> renderedJson = lru();
    private final java.util.Map<ListParams, String> renderedText = lru();

    private final PoisonList poison;
    private final CxlDebugfs debugfs;
    private final MemorySysfs memory;

    public Listing(Snapshots snapshots, MemdevCommands mailbox) {
        this(snapshots, mailbox, null, null, null);
    }

    /**
     * With {@code poison}, listings take {@code -L} (media_errors); with {@code debugfs}, memdevs
     * show poison_injectable where the kernel's CXL debugfs is there, as ndctl v84+ does.
     */
    public Listing(Snapshots snapshots, MemdevCommands mailbox, PoisonList poison, CxlDebugfs debugfs, MemorySysfs memory) {
        this.snapshots = snapshots;
        this.mailbox = mailbox;
        this.poison = poison;
        this.debugfs = debugfs;
        this.memory = memory;
    }

    /**
     * The listing for {@code params} as given (the walk applies ndctl's defaults itself);
     * INVALID_ARGUMENT for options ndctl would refuse.
     */
    public JsonNode list(ListParams params, MemdevDetails asked) {
        return list(snapshots.fresh().topology(), params, asked);
    }

    /**
     * {@link #list} as the daemon answers it: a listing without mailbox details is rendered to
     * JSON text once per snapshot and parameters, and a repeated query while nothing changed costs
     * a lookup (the answer is that text, as a raw node that serializes as it is).
     */
    public JsonNode rendered(ListParams params, MemdevDetails asked) {
        return rendered(params, asked, renderedJson, tree -> {
            try {
                return Json.mapper().getNodeFactory().rawValueNode(
                        new com.fasterxml.jackson.databind.util.RawValue(Json.mapper().writeValueAsString(tree)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot render a listing", e);
            }
        });
    }

    /** {@link #rendered}, as the text cxlctl and ndctl print ({@link JsonText#pretty}), kept the same way. */
    public String renderedText(ListParams params, MemdevDetails asked) {
        return rendered(params, asked, renderedText, JsonText::pretty);
    }

    private <T> T rendered(ListParams params, MemdevDetails asked, java.util.Map<ListParams, T> cache,
            java.util.function.Function<JsonNode, T> render) {
        dev.cxld.protocol.model.Topology t = snapshots.fresh().topology();
        if (asked.withVerbosity(params.verbose()).any()) {
            return render.apply(list(t, params, asked)); // device data: asked of the devices each time
        }
        synchronized (this) {
            if (renderedFor != t) {
                renderedJson.clear();
                renderedText.clear();
                renderedFor = t;
            }
            T hit = cache.get(params);
            if (hit != null) {
                return hit;
            }
        }
        T made = render.apply(list(t, params, asked));
        synchronized (this) {
            if (renderedFor == t) {
                cache.put(params, made);
            }
        }
        return made;
    }

    private static <T> java.util.Map<ListParams, T> lru() {
        return new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<ListParams, T> eldest) {
                return size() > RENDERED;
            }
        };
    }

    private JsonNode list(dev.cxld.protocol.model.Topology topology, ListParams params, MemdevDetails asked) {
        try {
            params.resolve();
        } catch (IllegalArgumentException e) {
            throw new Refusal(dev.cxld.protocol.ErrorCode.INVALID_ARGUMENT, "list: " + e.getMessage());
        }
        MemdevDetails details = asked.withVerbosity(params.verbose());
        JsonNode out = ListWalk.list(topology, params);
        if (details.health() || details.partition() || details.firmware() || details.alertConfig()) {
            MailboxKeys.add(out, m -> {
                try {
                    return mailbox.listDetails(m, details.partition(), details.health(), details.firmware(),
                            details.alertConfig());
                } catch (Refusal r) {
                    // a memdev whose mailbox cannot be reached lists without the details, as in ndctl
                    LOG.info("list: no mailbox details for {}: {}", m, r.getMessage());
                    return Json.mapper().createObjectNode();
                }
            }, params.human());
        }
        if (details.dax() && memory != null) {
            DeviceKeys.addDax(out, r -> topology.region(r).map(region -> daxRegion(region, params.human())).orElse(null));
        }
        boolean injectable = debugfs != null && debugfs.present();
        boolean errors = details.mediaErrors() && poison != null;
        if (injectable || errors) {
            java.util.Map<String, java.util.List<PoisonList.Poison>> read = new java.util.HashMap<>();
            java.util.function.Function<String, java.util.List<PoisonList.Poison>> records = m -> read.computeIfAbsent(m, x -> {
                try {
                    return poison.records(x);
                } catch (Refusal r) {
                    LOG.info("list: no media errors for {}: {}", x, r.getMessage());
                    return java.util.List.of();
                }
            });
            DeviceKeys.add(out, injectable ? debugfs::injectable : m -> null,
                    errors ? m -> mediaErrors(records.apply(m), null, params.human()) : m -> null,
                    errors ? r -> topology.region(r).map(region -> {
                        com.fasterxml.jackson.databind.node.ArrayNode all = Json.mapper().createArrayNode();
                        region.mappings().stream().map(dev.cxld.protocol.model.Mapping::memdev)
                                .filter(java.util.Objects::nonNull).distinct()
                                .forEach(m -> all.addAll(mediaErrors(records.apply(m), region, params.human())));
                        return all;
                    }).orElse(null) : r -> null);
        }
        return out;
    }

    /**
     * A region's {@code daxregion} as {@code cxl list -X} prints it (daxctl's region and device
     * objects): id, size, align, and each dax device's chardev, size, target_node, align, mode
     * ({@code system-ram} under kmem, {@code devdax} under device_dax) and, as system-ram, its memory
     * blocks online and in all; null for a region without dax devices.
     */
    private com.fasterxml.jackson.databind.node.ObjectNode daxRegion(dev.cxld.protocol.model.Region region, boolean human) {
        if (region.daxDevices().isEmpty()) {
            return null;
        }
        com.fasterxml.jackson.databind.node.ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", dev.cxld.protocol.Numbers.unsignedDecimal(region.region().substring("region".length())));
        sizeKey(o, "size", region.size(), human);
        com.fasterxml.jackson.databind.node.ArrayNode devices = Json.mapper().createArrayNode();
        Long align = null;
        for (String name : region.daxDevices()) {
            java.util.Optional<dev.cxld.protocol.model.DaxDevice> d = memory.dax(region.region(), name);
            if (d.isEmpty()) {
                continue;
            }
            dev.cxld.protocol.model.DaxDevice dax = d.get();
            align = align == null ? dax.align() : align;
            com.fasterxml.jackson.databind.node.ObjectNode j = devices.addObject();
            j.put("chardev", name);
            sizeKey(j, "size", dax.size(), human);
            if (dax.targetNode() != null) {
                j.put("target_node", dax.targetNode());
            }
            if (dax.align() != null) {
                j.put("align", dax.align());
            }
            String mode = "kmem".equals(dax.driver()) ? "system-ram" : "device_dax".equals(dax.driver()) ? "devdax" : null;
            if (mode != null) {
                j.put("mode", mode);
            }
            if ("system-ram".equals(mode) && dax.resource() != null && dax.size() != null && dax.size() > 0) {
                java.util.List<dev.cxld.protocol.model.MemoryBlock> blocks = memory.blocks(dax.resource(),
                        dax.resource() + dax.size() - 1, new java.util.ArrayList<>());
                j.put("online_memblocks", blocks.stream().filter(dev.cxld.protocol.model.MemoryBlock::online).count());
                j.put("total_memblocks", blocks.size());
            }
        }
        if (align != null) {
            o.put("align", align);
        }
        o.set("devices", devices);
        return o;
    }

    private static void sizeKey(com.fasterxml.jackson.databind.node.ObjectNode o, String key, Long v, boolean human) {
        if (v == null) {
            return;
        }
        if (human) {
            o.put(key, HumanFormat.size(v));
        } else {
            o.put(key, v);
        }
    }

    /**
     * ndctl's media_errors records (cxl/json_poison.c): offset (the DPA for a memdev; for a region
     * the HPA less the region's start, only the records of that region), length, source, flags.
     */
    private static com.fasterxml.jackson.databind.node.ArrayNode mediaErrors(java.util.List<PoisonList.Poison> records,
            dev.cxld.protocol.model.Region region, boolean human) {
        com.fasterxml.jackson.databind.node.ArrayNode a = Json.mapper().createArrayNode();
        for (PoisonList.Poison p : records) {
            long offset;
            if (region != null) {
                if (!region.region().equals(p.region()) || p.hpa() == null || region.resource() == null) {
                    continue;
                }
                offset = p.hpa() - region.resource();
            } else {
                offset = p.dpa();
            }
            com.fasterxml.jackson.databind.node.ObjectNode r = a.addObject();
            if (human) {
                r.put("offset", "0x" + Long.toHexString(offset));
            } else {
                r.put("offset", offset);
            }
            r.put("length", p.length());
            r.put("source", p.source());
            if (p.flags() != null) {
                r.put("flags", p.flags());
            }
        }
        return a;
    }
}
