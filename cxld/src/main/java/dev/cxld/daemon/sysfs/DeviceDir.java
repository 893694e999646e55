package dev.cxld.daemon.sysfs;

import dev.cxld.daemon.errors.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The attributes of one sysfs device directory. An attribute the kernel does not provide reads as
 * {@code null}; one that cannot be read or parsed reads as {@code null} too and adds
 * "path: reason" to {@link #errors()}, so one bad file never aborts a scan.
 */
final class DeviceDir {
    private final Path dir;
    private final List<String> errors = new ArrayList<>();

    DeviceDir(Path dir) {
        this.dir = dir;
    }

    Path path() {
        return dir;
    }

    List<String> errors() {
        return errors;
    }

    /**
     * Records an error for each of {@code names} that does not exist: attributes the kernel always
     * gives an object of this kind, so a missing one is damage to report, not a value to leave out.
     */
    void require(String... names) {
        for (String n : names) {
            if (!Files.exists(dir.resolve(n), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                errors.add(dir.resolve(n) + ": missing (the kernel always has it)");
            }
        }
    }

    /** The raw text of {@code name}, {@code null} when absent or unreadable. */
    String raw(String name) {
        Path f = dir.resolve(name);
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (AccessDeniedException e) {
            // e.g. decoder "start" is readable by root only: not an error, just not known.
            return null;
        } catch (IOException e) {
            errors.add(f + ": " + IoErrors.reason(e));
            return null;
        }
    }

    Long u64(String name) {
        return parse(name, SysfsValues::u64);
    }

    Integer s32(String name) {
        return parse(name, SysfsValues::s32);
    }

    Boolean flag(String name) {
        return parse(name, SysfsValues::flag);
    }

    String text(String name) {
        return parse(name, SysfsValues::text);
    }

    long[] idList(String name) {
        return parse(name, SysfsValues::idList);
    }

    private <T> T parse(String name, BiFunction<Path, String, T> parser) {
        String raw = raw(name);
        if (raw == null) {
            return null;
        }
        try {
            return parser.apply(dir.resolve(name), raw);
        } catch (SysfsFormatException e) {
            errors.add(e.getMessage());
            return null;
        }
    }

    /** The last component of a link's target (a device name), {@code null} when there is no link. */
    String linkName(String name) {
        Path link = dir.resolve(name);
        if (!Files.isSymbolicLink(link)) {
            return null;
        }
        try {
            Path target = Files.readSymbolicLink(link).getFileName();
            return target == null ? null : target.toString();
        } catch (IOException e) {
            errors.add(link + ": " + IoErrors.reason(e));
            return null;
        }
    }

    /**
     * The entries of {@code name} (a subdirectory, or "" for this directory), sorted; none when it
     * does not exist; a listing that fails is an error on this object, not a silent gap.
     */
    List<Path> children(String name) {
        Path sub = name.isEmpty() ? dir : dir.resolve(name);
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(sub)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(sub)) {
            s.forEach(out::add);
        } catch (IOException e) {
            errors.add(sub + ": " + IoErrors.reason(e));
        }
        out.sort(null);
        return out;
    }

    /** A driver is bound: {@code driver} is a link. */
    boolean hasDriver() {
        return Files.isSymbolicLink(dir.resolve("driver"));
    }
}
