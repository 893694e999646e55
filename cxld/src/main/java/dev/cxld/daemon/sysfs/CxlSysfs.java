package dev.cxld.daemon.sysfs;

import dev.cxld.protocol.Numbers;

import dev.cxld.daemon.errors.IoErrors;
import dev.cxld.protocol.model.Decoder;
import dev.cxld.protocol.model.DecoderKind;
import dev.cxld.protocol.model.Dport;
import dev.cxld.protocol.model.Mapping;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Port;
import dev.cxld.protocol.model.PortKind;
import dev.cxld.protocol.model.Region;
import dev.cxld.protocol.model.Topology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

/**
 * Reads the kernel's CXL topology from a sysfs tree into a {@link Topology} snapshot.
 *
 * <p>The root is injected ({@code /sys} on a host, a captured tree in tests and with
 * {@code --sysfs-root}). Objects are found through {@code bus/cxl/devices}; links are resolved
 * the way the kernel defines them: a memdev's endpoint is the endpoint port whose {@code uport}
 * is the memdev, a decoder belongs to the port it sits under, a region's targets are endpoint
 * decoders. Unreadable or garbled attributes become errors on their object; a device that
 * vanishes during the scan becomes a topology error; nothing aborts the scan.
 */
public final class CxlSysfs {
    private final Path root;
    private final AttributeWatch watch;

    public CxlSysfs(Path sysfsRoot) {
        this(sysfsRoot, null);
    }

    /**
     * A reader that watches every port, decoder and region it reads for attribute writes
     * ({@code watch}, null: none), so {@link #refresh(Reading, Set, Set)} can reuse what nobody wrote.
     */
    public CxlSysfs(Path sysfsRoot, AttributeWatch watch) {
        this.root = sysfsRoot;
        this.watch = watch;
    }

    /** Whether {@code kernel/uevent_seqnum} exists: the tree is a kernel's, with uevents to follow. */
    public boolean hasUeventSeqnum() {
        return Files.isReadable(root.resolve("kernel/uevent_seqnum"));
    }

    /** The kernel's uevent sequence number ({@code kernel/uevent_seqnum}). */
    public long ueventSeqnum() throws IOException {
        Path f = root.resolve("kernel/uevent_seqnum");
        try {
            return SysfsValues.u64(f, new String(Files.readAllBytes(f), StandardCharsets.US_ASCII).strip());
        } catch (SysfsFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Reads everything. */
    public Topology scan() {
        return read().topology();
    }

    /** Reads everything, keeping what was read for {@link #refresh}. */
    public Reading read() {
        return refresh(null, Set.of(), null);
    }

    /** {@link #refresh(Reading, Set, Set)} without knowing what was written: configuration read again. */
    public Reading refresh(Reading previous, Set<String> changed) {
        return refresh(previous, changed, null);
    }

    /**
     * A new reading that reuses {@code previous} where it can. The device list is read again only
     * when {@code previous} is null or {@code changed} is not empty (devices come and go with
     * uevents). Memdevs are read again only when named in {@code changed} or new. The kernel changes
     * the configuration of ports, decoders and regions (commit, targets, DPA, decoders_committed)
     * without any uevent, but only when someone writes one of their attributes: with
     * {@code written} (the objects written to since {@code previous}, from this reader's
     * {@link AttributeWatch}) only those, the ones {@code changed} names and new ones are read
     * again; a region or port among them reads every port, decoder and region again (a commit
     * programs the decoders of the whole path and moves ports' decoders_committed; a region's
     * mappings name memdevs through ports). {@code written} null: all of them are read again.
     */
    public Reading refresh(Reading previous, Set<String> changed, Set<String> written) {
        return refresh(previous, changed, written, true);
    }

    /**
     * {@link #refresh(Reading, Set, Set)}, told whether devices may have come or gone
     * ({@code devicesMoved}: an add, remove or move uevent among those naming {@code changed}).
     * Without one, the device list is not read again: a change, bind or unbind uevent adds or
     * removes no device (the devices a bind creates have add uevents of their own).
     */
    public Reading refresh(Reading previous, Set<String> changed, Set<String> written, boolean devicesMoved) {
        List<String> errors = new ArrayList<>();
        Map<String, Path> dirs;
        if (previous == null || !changed.isEmpty()
                && (devicesMoved || !previous.dirs.keySet().containsAll(changed))) {
            dirs = list(errors, previous == null ? Map.of() : previous.dirs, changed);
            if (dirs == null) {
                return new Reading(Map.of(), List.of(), new byte[0], Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), errors,
                        new Topology(List.of(), List.of(), List.of(), List.of(), errors));
            }
        } else {
            dirs = previous.dirs;
            errors.addAll(previous.listingErrors);
        }
        return read(previous, changed, written, dirs, errors);
    }

    private Reading read(Reading previous, Set<String> changed, Set<String> written, Map<String, Path> dirs,
            List<String> errors) {
        List<String> names;
        byte[] kinds;
        if (previous != null && dirs == previous.dirs) {
            names = previous.names; // the same devices: their order and kinds are known
            kinds = previous.kinds;
        } else {
            names = List.copyOf(DeviceNames.sorted(dirs.keySet()));
            kinds = kinds(names);
        }

        Set<String> reread = previous != null && written != null && watch != null && watch.broken() == null
                ? toReread(previous, union(changed, written)) : null;
        if (watch != null && (previous == null || dirs != previous.dirs)) {
            watch.keepOnly(dirs.keySet()); // devices came or went
        }
        // What cannot be reused is read in parallel when there is much of it (a cold scan, a
        // rescan): sysfs reads are system calls that block, and on 1,000 memdevs a scan is tens
        // of thousands of them. Regions come after ports: their mappings name memdevs through ports.
        Object[] objects = new Object[kinds.length];
        List<Integer> toRead = new ArrayList<>();
        List<Integer> regionsToRead = new ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            String name = names.get(i);
            Object reused = kinds[i] == PORT ? reused(previous == null ? null : previous.ports, name, reread)
                    : kinds[i] == DECODER ? reused(previous == null ? null : previous.decoders, name, reread)
                    : kinds[i] == MEMDEV ? (previous == null || changed.contains(name) ? null : previous.memdevs.get(name))
                    : kinds[i] == REGION ? reused(previous == null ? null : previous.regions, name, reread)
                    : null;
            if (reused != null) {
                objects[i] = reused;
            } else if (kinds[i] == REGION) {
                regionsToRead.add(i);
            } else if (kinds[i] != OTHER) {
                toRead.add(i);
            }
        }
        readAll(toRead, i -> {
            String name = names.get(i);
            Path dir = dirs.get(name);
            if (kinds[i] == PORT) {
                Port before = reread != null && previous != null ? previous.ports.get(name) : null;
                return before != null ? committedAgain(before, watched(name, dir)) : port(name, watched(name, dir));
            }
            return kinds[i] == DECODER ? decoder(name, watched(name, dir)) : memdev(name, dir);
        }, objects);
        boolean sameDevices = previous != null && dirs == previous.dirs;
        List<Port> ports;
        List<Decoder> decoders;
        Map<String, Port> portCache;
        Map<String, Decoder> decoderCache;
        Map<Long, Port> portsById;
        Map<String, String> endpointOfMemdev;
        if (sameDevices && toRead.stream().noneMatch(i -> kinds[i] != MEMDEV)) {
            ports = previous.topology.ports(); // no port or decoder read again: the last lists hold
            decoders = previous.topology.decoders();
            portCache = previous.ports;
            decoderCache = previous.decoders;
            portsById = previous.portsById;
            endpointOfMemdev = previous.endpointOfMemdev;
        } else {
            ports = new ArrayList<>();
            decoders = new ArrayList<>();
            portCache = new HashMap<>();
            decoderCache = new HashMap<>();
            for (int i = 0; i < kinds.length; i++) {
                if (kinds[i] == PORT) {
                    Port p = (Port) objects[i];
                    portCache.put(names.get(i), p);
                    ports.add(p);
                } else if (kinds[i] == DECODER) {
                    Decoder d = (Decoder) objects[i];
                    decoderCache.put(names.get(i), d);
                    decoders.add(d);
                }
            }
            portsById = new HashMap<>();
            endpointOfMemdev = new HashMap<>();
            for (Port p : ports) {
                portsById.put(DeviceNames.portId(p.port()), p);
                if (p.kind() == PortKind.ENDPOINT && p.host() != null) {
                    endpointOfMemdev.put(p.host(), p.port());
                }
            }
        }
        Map<Long, Port> byId = portsById;
        readAll(regionsToRead, i -> region(names.get(i), watched(names.get(i), dirs.get(names.get(i))), byId), objects);
        List<Region> regions;
        Map<String, Region> regionCache;
        boolean regionsReused = sameDevices && regionsToRead.isEmpty();
        if (regionsReused) {
            regions = previous.topology.regions();
            regionCache = previous.regions;
        } else {
            regions = new ArrayList<>();
            regionCache = new HashMap<>();
        }
        List<Memdev> memdevs = new ArrayList<>();
        Map<String, Memdev> memdevCache = new HashMap<>();
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == MEMDEV) {
                Memdev m = (Memdev) objects[i];
                String endpoint = endpointOfMemdev.get(names.get(i));
                m = Objects.equals(m.endpoint(), endpoint) ? m : m.withEndpoint(endpoint);
                memdevCache.put(names.get(i), m);
                memdevs.add(m);
            } else if (kinds[i] == REGION && !regionsReused) {
                Region r = (Region) objects[i];
                regionCache.put(names.get(i), r);
                regions.add(r);
            }
        }
        List<String> listingErrors = previous == null || !changed.isEmpty()
                ? List.copyOf(errors) : previous.listingErrors;
        return new Reading(sameDevices ? dirs : Map.copyOf(dirs), names, kinds, memdevCache, portCache, decoderCache,
                regionCache, portsById, endpointOfMemdev, listingErrors, new Topology(ports, decoders, memdevs, regions, errors));
    }

    /**
     * {@code before} with its decoders_committed read again: all a write to a region on its path
     * changes of a port (its dports, driver and place come and go with uevents, which read the port
     * whole; on a host bridge with a hundred root ports they are most of a refresh).
     */
    private static Port committedAgain(Port before, Path dir) {
        DeviceDir d = new DeviceDir(dir);
        Integer committed = d.s32("decoders_committed");
        if (!d.errors().isEmpty()) {
            return port(before.port(), dir); // something is odd: read it whole, with its errors
        }
        return Objects.equals(committed, before.decodersCommitted()) ? before
                : new Port(before.port(), before.kind(), before.host(), before.parent(), before.parentDport(),
                        before.depth(), before.enabled(), committed, before.dports(), before.errors());
    }

    private static final byte OTHER = 0;
    private static final byte PORT = 1;
    private static final byte DECODER = 2;
    private static final byte MEMDEV = 3;
    private static final byte REGION = 4;

    /** What each device name is, once per device list (matching 6,000 names costs more than the rest of a refresh). */
    private static byte[] kinds(List<String> names) {
        byte[] kinds = new byte[names.size()];
        for (int i = 0; i < kinds.length; i++) {
            String n = names.get(i);
            kinds[i] = DeviceNames.PORT.matcher(n).matches() ? PORT : DeviceNames.DECODER.matcher(n).matches() ? DECODER
                    : DeviceNames.MEMDEV.matcher(n).matches() ? MEMDEV : DeviceNames.REGION.matcher(n).matches() ? REGION
                    : OTHER;
        }
        return kinds;
    }

    /**
     * What to read again of the configuration in {@code previous} when {@code named} were written
     * or named by uevents: those objects, and for a written region the decoders and ports of its
     * whole path (a commit or reset programs every decoder from the endpoints up to the root and
     * moves each port's decoders_committed; a target write sets or clears an endpoint decoder's
     * region): the endpoints of its targets before and now, their ports up to the root, and every
     * decoder of those ports. null (read all of it again) when a port is named (a uevent: bound,
     * unbound, added, removed) or a region's path cannot be told.
     */
    private Set<String> toReread(Reading previous, Set<String> named) {
        Set<String> reread = new java.util.HashSet<>(named);
        Map<Long, Port> portsById = previous.portsById;
        for (String n : named) {
            if (DeviceNames.PORT.matcher(n).matches()) {
                return null;
            }
            if (!DeviceNames.REGION.matcher(n).matches()) {
                continue;
            }
            Region before = previous.regions.get(n);
            Path dir = previous.dirs.get(n);
            if (before == null || dir == null) {
                return null;
            }
            Set<String> targets = new java.util.HashSet<>();
            before.mappings().forEach(m -> targets.add(m.decoder()));
            DeviceDir d = new DeviceDir(dir);
            Integer ways = d.s32("interleave_ways");
            for (int i = 0; ways != null && i < ways; i++) {
                String t = d.text("target" + i);
                if (t != null && !t.isEmpty()) {
                    targets.add(t);
                }
            }
            Set<String> path = new java.util.HashSet<>();
            for (String t : targets) {
                if (!DeviceNames.DECODER.matcher(t).matches()) {
                    return null;
                }
                Port p = portsById.get(DeviceNames.decoderPortId(t));
                if (p == null) {
                    return null;
                }
                while (p != null && path.add(p.port())) {
                    p = p.parent() == null ? null : previous.ports.get(p.parent());
                }
            }
            reread.addAll(path);
            for (Decoder dec : previous.decoders.values()) {
                if (path.contains(dec.port()) || dec.decoder().equals(before.rootDecoder())) {
                    reread.add(dec.decoder());
                }
            }
        }
        return reread;
    }

    /** Below this many objects to read, one thread reads them (a refresh after a write reads a handful). */
    private static final int PARALLEL_READS = 64;

    /** {@code objects[i] = read(i)} for every i of {@code indexes}, in parallel when there are many. */
    private static void readAll(List<Integer> indexes, java.util.function.IntFunction<Object> read, Object[] objects) {
        if (indexes.size() < PARALLEL_READS) {
            indexes.forEach(i -> objects[i] = read.apply(i));
        } else {
            indexes.parallelStream().forEach(i -> objects[i] = read.apply(i));
        }
    }

    /** {@code name}'s object of the previous reading, when {@code reread} (null: everything) does not name it. */
    private static <T> T reused(Map<String, T> previous, String name, Set<String> reread) {
        return previous == null || reread == null || reread.contains(name) ? null : previous.get(name);
    }

    /** {@code dir}, watched for writes before it is read (when this reader has a watch). */
    private Path watched(String name, Path dir) {
        if (watch != null) {
            watch.watch(name, dir);
        }
        return dir;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /**
     * The device directories named in bus/cxl/devices; null when there is no CXL bus. A name
     * already {@code known} and not {@code changed} keeps its directory (a device that went and
     * came back had uevents naming it), so only new names cost a symlink resolution.
     */
    private Map<String, Path> list(List<String> errors, Map<String, Path> known, Set<String> changed) {
        Path devices = root.resolve("bus/cxl/devices");
        if (!Files.isDirectory(devices)) {
            errors.add(devices + ": no CXL bus (the cxl_core driver is not loaded, or this is not a sysfs)");
            return null;
        }
        Map<String, Path> dirs = new HashMap<>(Math.max(16, known.size() * 4 / 3 + 1));
        List<Path> unknown = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(devices)) {
            for (Path link : s) {
                String name = link.getFileName().toString();
                Path dir = changed.contains(name) ? null : known.get(name);
                if (dir != null) {
                    dirs.put(name, dir);
                } else {
                    unknown.add(link);
                }
            }
        } catch (IOException e) {
            errors.add(devices + ": " + IoErrors.reason(e));
        }
        Object[] resolved = new Object[unknown.size()]; // a directory, or why not
        (unknown.size() < PARALLEL_READS ? java.util.stream.IntStream.range(0, resolved.length)
                : java.util.stream.IntStream.range(0, resolved.length).parallel()).forEach(i -> {
                    try {
                        resolved[i] = unknown.get(i).toRealPath();
                    } catch (IOException e) {
                        resolved[i] = unknown.get(i) + ": device vanished during the scan (" + IoErrors.reason(e) + ")";
                    }
                });
        boolean same = errors.isEmpty();
        List<String> vanished = new ArrayList<>();
        for (int i = 0; i < resolved.length; i++) {
            if (resolved[i] instanceof Path dir) {
                String name = unknown.get(i).getFileName().toString();
                dirs.put(name, dir);
                same &= dir.equals(known.get(name));
            } else {
                vanished.add((String) resolved[i]);
            }
        }
        vanished.sort(null);
        errors.addAll(vanished);
        // the same devices in the same places (a uevent for a device that stayed): the known map
        // itself, so the caller keeps their order, kinds and watches
        return same && vanished.isEmpty() && dirs.size() == known.size() ? known : dirs;
    }

    /**
     * One reading of the tree: the topology, and what the next {@link #refresh} may reuse (device
     * directories, memdevs, and the problems met while listing devices).
     */
    public static final class Reading {
        private final Map<String, Path> dirs;
        /** The names of {@code dirs} in kernel id order, and what each is. */
        private final List<String> names;
        private final byte[] kinds;
        private final Map<String, Memdev> memdevs;
        private final Map<String, Port> ports;
        private final Map<String, Decoder> decoders;
        private final Map<String, Region> regions;
        /** Ports by id, and each memdev's endpoint port: what regions and memdevs are resolved through. */
        private final Map<Long, Port> portsById;
        private final Map<String, String> endpointOfMemdev;
        private final List<String> listingErrors;
        private final Topology topology;

        Reading(Map<String, Path> dirs, List<String> names, byte[] kinds, Map<String, Memdev> memdevs, Map<String, Port> ports,
                Map<String, Decoder> decoders, Map<String, Region> regions, Map<Long, Port> portsById,
                Map<String, String> endpointOfMemdev, List<String> listingErrors, Topology topology) {
            this.dirs = dirs;
            this.names = names;
            this.kinds = kinds;
            this.memdevs = memdevs;
            this.ports = ports;
            this.decoders = decoders;
            this.regions = regions;
            this.portsById = portsById;
            this.endpointOfMemdev = endpointOfMemdev;
            this.listingErrors = listingErrors;
            this.topology = topology;
        }

        public Topology topology() {
            return topology;
        }
    }

    private static Port port(String name, Path dir) {
        DeviceDir d = new DeviceDir(dir);
        PortKind kind = name.startsWith("root") ? PortKind.ROOT
                : name.startsWith("endpoint") ? PortKind.ENDPOINT : PortKind.SWITCH;
        String parent = null;
        int depth = 0;
        for (Path p = dir.getParent(); p != null && p.getFileName() != null; p = p.getParent()) {
            if (DeviceNames.PORT.matcher(p.getFileName().toString()).matches()) {
                if (parent == null) {
                    parent = p.getFileName().toString();
                }
                depth++;
            }
        }
        List<Dport> dports = new ArrayList<>();
        for (Path link : d.children("")) {
            Matcher m = DeviceNames.DPORT.matcher(link.getFileName().toString());
            if (m.matches() && Files.isSymbolicLink(link)) {
                String dportName = d.linkName(link.getFileName().toString());
                DeviceDir target = new DeviceDir(link);
                String alias = target.linkName("firmware_node");
                if (alias == null) {
                    alias = target.linkName("physical_node");
                }
                dports.add(new Dport(dportName, alias, Numbers.unsignedDecimal(m.group(1))));
            }
        }
        dports.sort((a, b) -> Long.compare(a.id(), b.id()));
        return new Port(name, kind, d.linkName("uport"), parent, d.linkName("parent_dport"), depth,
                kind == PortKind.ROOT || d.hasDriver(), d.s32("decoders_committed"), dports, d.errors());
    }

    private static Decoder decoder(String name, Path dir) {
        DeviceDir d = new DeviceDir(dir);
        String devtype = d.text("devtype");
        DecoderKind kind;
        if ("cxl_decoder_root".equals(devtype)) {
            kind = DecoderKind.ROOT;
        } else if ("cxl_decoder_endpoint".equals(devtype)) {
            kind = DecoderKind.ENDPOINT;
        } else if ("cxl_decoder_switch".equals(devtype)) {
            kind = DecoderKind.SWITCH;
        } else {
            String port = dir.getParent().getFileName().toString();
            kind = port.startsWith("root") ? DecoderKind.ROOT
                    : port.startsWith("endpoint") ? DecoderKind.ENDPOINT : DecoderKind.SWITCH;
        }
        boolean isRoot = kind == DecoderKind.ROOT;
        boolean isEndpoint = kind == DecoderKind.ENDPOINT;
        d.require("start", "size", "interleave_ways", "interleave_granularity");
        // (not "region": a kernel built without CONFIG_CXL_REGION has none, and no regions)
        if (isEndpoint) {
            d.require("mode", "dpa_resource", "dpa_size");
        } else {
            d.require("target_list");
        }
        long[] targets = isEndpoint ? null : d.idList("target_list");
        return new Decoder(
                name,
                kind,
                dir.getParent().getFileName().toString(),
                d.u64("start"),
                d.u64("size"),
                d.s32("interleave_ways"),
                d.s32("interleave_granularity"),
                d.flag("locked"),
                isRoot ? null : d.text("target_type"),
                targets == null ? null : Arrays.stream(targets).boxed().collect(Collectors.toList()),
                isRoot ? null : d.text("region"),
                isEndpoint ? d.text("mode") : null,
                isEndpoint ? d.u64("dpa_resource") : null,
                isEndpoint ? d.u64("dpa_size") : null,
                isRoot ? d.flag("cap_ram") : null,
                isRoot ? d.flag("cap_pmem") : null,
                isRoot ? d.flag("cap_type2") : null,
                isRoot ? d.flag("cap_type3") : null,
                isRoot ? d.s32("qos_class") : null,
                d.errors());
    }

    private static Memdev memdev(String name, Path dir) {
        DeviceDir d = new DeviceDir(dir);
        return new Memdev(
                name,
                dir.getParent().getFileName().toString(),
                d.u64("serial"),
                d.u64("ram/size"),
                d.u64("pmem/size"),
                d.s32("ram/qos_class"),
                d.s32("pmem/qos_class"),
                d.s32("numa_node"),
                d.text("firmware_version"),
                d.u64("payload_max"),
                d.u64("label_storage_size"),
                d.text("security/state"),
                d.hasDriver(),
                null,
                d.errors());
    }

    private static Region region(String name, Path dir, Map<Long, Port> portsById) {
        DeviceDir d = new DeviceDir(dir);
        d.require("size", "interleave_ways", "interleave_granularity", "commit");
        Integer ways = d.s32("interleave_ways");
        List<Mapping> mappings = new ArrayList<>();
        for (int i = 0; ways != null && i < ways; i++) {
            String decoder = d.text("target" + i);
            if (decoder == null) {
                continue;
            }
            String memdev = null;
            if (DeviceNames.DECODER.matcher(decoder).matches()) {
                Port endpoint = portsById.get(DeviceNames.decoderPortId(decoder));
                memdev = endpoint != null && endpoint.kind() == PortKind.ENDPOINT ? endpoint.host() : null;
            }
            mappings.add(new Mapping(i, decoder, memdev));
        }
        List<String> dax = new ArrayList<>();
        for (Path p : d.children("dax_region" + name.substring("region".length()))) {
            String n = p.getFileName().toString();
            if (n.matches("dax\\d+\\.\\d+") && Files.isDirectory(p)) {
                dax.add(n);
            }
        }
        dax.sort(DeviceNames.ORDER);
        return new Region(
                name,
                dir.getParent().getFileName().toString(),
                d.u64("resource"),
                d.u64("size"),
                d.u64("extended_linear_cache_size"),
                d.text("mode"),
                ways,
                d.s32("interleave_granularity"),
                d.text("uuid"),
                d.flag("commit"),
                d.hasDriver(),
                d.flag("locked"),
                mappings,
                dax,
                d.errors());
    }
}
