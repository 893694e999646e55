package dev.cxld.daemon.sysfs;

import dev.cxld.daemon.nativeio.ErrnoException;
import dev.cxld.daemon.nativeio.Inotify;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which CXL objects had an attribute written: an inotify watch on the directory of every port,
 * decoder and region (IN_MODIFY fires on a directory for each write to a file in it, sysfs
 * included, before the writer's {@code write(2)} returns). The kernel changes the configuration of
 * those objects without a uevent (commit, size, targets, DPA, interleave settings), but only
 * because someone wrote one of their attributes; so what {@link #drain} names, together with the
 * uevents, is everything that changed. A watch is added before its object is first read, so no
 * write falls between the reading and the watching.
 */
public final class AttributeWatch implements AutoCloseable {
    private final Inotify inotify;
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<String, Integer> watches = new HashMap<>();
    private String broken;

    private AttributeWatch(Inotify inotify) {
        this.inotify = inotify;
    }

    /** A watch with nothing watched yet; an ErrnoException when inotify is unavailable. */
    public static AttributeWatch open() throws ErrnoException {
        return new AttributeWatch(new Inotify());
    }

    /** What {@link #drain} found: the objects written to, or {@code lost} (events overflowed: read everything). */
    public record Written(Set<String> names, boolean lost) {
        static final Written LOST = new Written(Set.of(), true);
    }

    /** Whether {@code name} is watched. */
    synchronized boolean watches(String name) {
        return watches.containsKey(name);
    }

    /**
     * Watches {@code name}'s directory {@code dir}. When it cannot (the user's max_user_watches is
     * reached), the watch is broken for good: {@link #healthy} says why, and the caller reads
     * configuration again for every request, as without a watch.
     */
    synchronized void watch(String name, Path dir) {
        if (broken != null || watches.containsKey(name)) {
            return;
        }
        try {
            int wd = inotify.watch(dir.toString());
            String before = names.put(wd, name);
            if (before != null && !before.equals(name)) {
                watches.remove(before); // the kernel reused a dropped watch's number
            }
            watches.put(name, wd);
        } catch (ErrnoException e) {
            broken = e.getMessage();
        }
    }

    /** Stops watching every object not in {@code present} (gone from the bus). */
    synchronized void keepOnly(Set<String> present) {
        for (String name : new HashSet<>(watches.keySet())) {
            if (!present.contains(name)) {
                Integer wd = watches.remove(name);
                names.remove(wd);
                inotify.unwatch(wd);
            }
        }
    }

    /** The objects written to since the last call. */
    public synchronized Written drain() {
        if (broken != null) {
            return Written.LOST;
        }
        Inotify.Drained d;
        try {
            d = inotify.drain();
        } catch (ErrnoException e) {
            broken = e.getMessage();
            return Written.LOST;
        }
        if (d.overflow()) {
            return Written.LOST;
        }
        Set<String> written = new HashSet<>();
        for (int wd : d.modified()) {
            String name = names.get(wd);
            if (name != null) {
                written.add(name);
            }
        }
        for (int wd : d.ignored()) { // its directory went: the object is gone (a uevent says so too)
            String name = names.remove(wd);
            if (name != null) {
                watches.remove(name);
                written.add(name);
            }
        }
        return new Written(written, false);
    }

    /** null while every object is watched; else why not (then nothing this watch says is trusted). */
    public synchronized String broken() {
        return broken;
    }

    /** How many objects are watched. */
    public synchronized int size() {
        return watches.size();
    }

    @Override
    public void close() {
        inotify.close();
    }
}
