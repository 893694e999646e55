package dev.cxld.daemon.sysfs.capture;

import dev.cxld.daemon.errors.IoErrors;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Copies the CXL-relevant part of a live sysfs into a directory that cxld can read later with
 * {@code --sysfs-root}.
 *
 * <p>What is taken: all of {@code bus/cxl} (device links, drivers, {@code flush}); every device
 * directory a {@code bus/cxl/devices} link resolves into, in full (its attributes, its child
 * devices such as ports, decoders, regions, dax and pmem children); and, one level deep only, every
 * other directory that a link inside those resolves into ({@code uport}, {@code dportN},
 * {@code parent_dport}, {@code driver}, {@code firmware_node}, ...) and every parent directory of a
 * captured device up to {@code devices/} (the PCI functions and platform devices that host the CXL
 * objects). Links are kept as links, never followed into a full copy, so the walk stays bounded.
 * Attributes without read permission are recorded as write-only and not read; reads that fail are
 * recorded with their error, not dropped.
 *
 * <p>Beside the CXL bus: all of {@code bus/dax} (dax devices and their drivers, kmem and
 * device_dax) and {@code devices/system/memory} (the memory blocks and their state), which decide
 * whether a region's memory is online as System RAM.
 */
public final class SysfsCapture {
    /** Attributes bigger than this are recorded as unreadable rather than copied (CDAT, config space fit). */
    public static final int MAX_ATTRIBUTE_BYTES = 1 << 20;

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path requestedRoot;
    private Path root;
    private final AttributeReader reader;
    private final Map<String, ManifestEntry> entries = new TreeMap<>();
    private final Set<Path> deep = new TreeSet<>();
    private final Set<Path> shallow = new TreeSet<>();
    private final Deque<Path> linkTargets = new ArrayDeque<>();
    private Path out;

    public SysfsCapture(Path sysfsRoot, AttributeReader reader) {
        this.requestedRoot = sysfsRoot;
        this.reader = reader;
    }

    /**
     * Captures into {@code output} (created; must not exist or be empty) and writes its manifest.
     *
     * @param notes facts to keep with the capture (kernel release, QEMU version, ...)
     */
    public CaptureManifest capture(Path output, Map<String, String> notes) throws IOException {
        if (!Files.isDirectory(requestedRoot)) {
            throw new IOException(requestedRoot + ": no such directory");
        }
        this.root = requestedRoot.toRealPath();
        Path cxl = root.resolve("bus/cxl");
        if (!Files.isDirectory(cxl)) {
            throw new IOException(cxl + ": no CXL bus in this sysfs (are the CXL drivers loaded?)");
        }
        this.out = prepare(output);
        walkDeep(cxl);
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(cxl.resolve("devices"))) {
            for (Path dev : devices) {
                Path target = resolveLink(dev);
                if (target != null) {
                    walkDeep(target);
                }
            }
        }
        for (String beside : new String[] {"bus/dax", "devices/system/memory"}) {
            Path dir = root.resolve(beside);
            if (Files.isDirectory(dir, NOFOLLOW)) {
                walkDeep(dir);
            }
        }
        Path uevent = root.resolve("kernel/uevent_seqnum");
        if (Files.isRegularFile(uevent, NOFOLLOW)) {
            copyAttribute(uevent);
        }
        while (!linkTargets.isEmpty()) {
            Path target = linkTargets.pop();
            if (!isInsideDeep(target)) {
                walkShallow(target);
            }
        }
        for (Path dir : new ArrayList<>(deep)) {
            for (Path p = dir.getParent(); p != null && p.startsWith(root.resolve("devices")); p = p.getParent()) {
                if (!p.equals(root.resolve("devices")) && !isInsideDeep(p)) {
                    walkShallow(p);
                }
            }
        }
        Map<String, String> allNotes = new LinkedHashMap<>();
        allNotes.put("source", root.toString());
        allNotes.putAll(notes);
        CaptureManifest manifest = new CaptureManifest(allNotes, List.copyOf(entries.values()));
        manifest.write(out);
        return manifest;
    }

    private static Path prepare(Path output) throws IOException {
        if (Files.exists(output, NOFOLLOW)) {
            if (!Files.isDirectory(output, NOFOLLOW)) {
                throw new IOException(output + ": exists and is not a directory");
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(output)) {
                if (s.iterator().hasNext()) {
                    throw new IOException(output + ": directory is not empty; capture into a new directory");
                }
            }
        }
        Files.createDirectories(output);
        return output;
    }

    private void walkDeep(Path dir) throws IOException {
        if (!deep.add(dir)) {
            return;
        }
        recordDir(dir);
        for (Path child : list(dir)) {
            if (Files.isSymbolicLink(child)) {
                copyLink(child);
            } else if (Files.isDirectory(child, NOFOLLOW)) {
                walkDeep(child);
            } else if (Files.isRegularFile(child, NOFOLLOW)) {
                copyAttribute(child);
            }
        }
    }

    private void walkShallow(Path dir) throws IOException {
        if (!shallow.add(dir)) {
            return;
        }
        recordDir(dir);
        for (Path child : list(dir)) {
            if (Files.isSymbolicLink(child)) {
                copyLinkOnly(child);
            } else if (Files.isRegularFile(child, NOFOLLOW)) {
                copyAttribute(child);
            }
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(children::add);
        } catch (FileSystemException e) {
            // A device that went away while we walked: keep what we have.
            return children;
        }
        children.sort(null);
        return children;
    }

    private boolean isInsideDeep(Path p) {
        for (Path d = p; d != null; d = d.getParent()) {
            if (deep.contains(d)) {
                return true;
            }
        }
        return false;
    }

    private void recordDir(Path dir) throws IOException {
        for (Path d = dir; d != null && !d.equals(root); d = d.getParent()) {
            String rel = rel(d);
            if (entries.containsKey(rel)) {
                break;
            }
            entries.put(rel, ManifestEntry.dir(rel));
            Files.createDirectories(out.resolve(rel));
        }
    }

    private void copyLink(Path link) throws IOException {
        copyLinkOnly(link);
        Path target = resolveLink(link);
        if (target != null) {
            linkTargets.add(target);
        }
    }

    private void copyLinkOnly(Path link) throws IOException {
        String rel = rel(link);
        String target = Files.readSymbolicLink(link).toString();
        entries.put(rel, ManifestEntry.link(rel, target));
        Path copy = out.resolve(rel);
        Files.createDirectories(copy.getParent());
        Files.deleteIfExists(copy);
        Files.createSymbolicLink(copy, Path.of(target));
    }

    /** The directory a link resolves to, when it is a directory inside the captured root. */
    private Path resolveLink(Path link) throws IOException {
        Path target = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
        if (!target.startsWith(root) || !Files.isDirectory(target)) {
            return null;
        }
        return target.toRealPath();
    }

    private void copyAttribute(Path file) throws IOException {
        String rel = rel(file);
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, NOFOLLOW);
        String mode = octal(perms);
        recordDir(file.getParent());
        boolean readable = perms.contains(PosixFilePermission.OWNER_READ)
                || perms.contains(PosixFilePermission.GROUP_READ)
                || perms.contains(PosixFilePermission.OTHERS_READ);
        ManifestEntry entry;
        byte[] content = new byte[0];
        if (!readable) {
            entry = new ManifestEntry(ManifestEntry.Kind.WRITE_ONLY, rel, mode, null);
        } else {
            try {
                content = reader.read(file, MAX_ATTRIBUTE_BYTES);
                entry = new ManifestEntry(ManifestEntry.Kind.FILE, rel, mode, null);
            } catch (IOException e) {
                entry = new ManifestEntry(ManifestEntry.Kind.UNREADABLE, rel, mode, IoErrors.reason(e));
            }
            if (content.length > MAX_ATTRIBUTE_BYTES) {
                content = new byte[0];
                entry = new ManifestEntry(ManifestEntry.Kind.UNREADABLE, rel, mode,
                        "larger than " + MAX_ATTRIBUTE_BYTES + " bytes, not captured");
            }
        }
        // Write-only and unreadable attributes exist in the copy too (empty), so that a reader of
        // the tree sees the same attributes as on the live system.
        Path copy = out.resolve(rel);
        Files.write(copy, content);
        CaptureTree.setMode(copy, mode);
        entries.put(rel, entry);
    }

    private String rel(Path p) {
        return root.relativize(p).toString();
    }

    static String octal(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", m);
    }
}
