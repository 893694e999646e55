package dev.cxld.daemon.command;

import dev.cxld.daemon.sysfs.capture.SysfsCapture;
import dev.cxld.daemon.sysfs.capture.CaptureManifest;
import dev.cxld.daemon.sysfs.capture.ManifestEntry;
import dev.cxld.daemon.sysfs.capture.AttributeReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cxld capture-sysfs}: snapshot the CXL part of a sysfs into a directory. */
@Command(
        name = "capture-sysfs",
        mixinStandardHelpOptions = true,
        description = "Copy the CXL-relevant part of a sysfs (everything reachable from bus/cxl/devices, the "
                + "attributes with their contents, the symlinks and the directories they resolve into) into "
                + "OUTPUT, which cxld can later read with --sysfs-root OUTPUT. "
                + "Write-only attributes and attributes whose read fails are listed as such in "
                + "OUTPUT/" + CaptureManifest.FILE_NAME + ", never silently dropped.",
        footer = {"", "Example (in a QEMU guest):", "  cxld capture-sysfs --note qemu=\"$(qemu_version)\" /tmp/ram1-empty"})
public final class CaptureCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "/sys",
            description = "sysfs to capture (default: ${DEFAULT-VALUE})")
    Path sysfsRoot;

    @Option(names = "--note", paramLabel = "KEY=VALUE",
            description = "a fact to record in the manifest, e.g. qemu=10.0.2 (repeatable); the kernel release is recorded by itself")
    Map<String, String> notes = new LinkedHashMap<>();

    @Parameters(paramLabel = "OUTPUT", description = "new or empty directory to write the capture to")
    Path output;

    @Override
    public Integer call() throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("kernel", System.getProperty("os.version"));
        all.putAll(notes);
        CaptureManifest m = new SysfsCapture(sysfsRoot, AttributeReader.files()).capture(output, all);
        PrintWriter out = spec.commandLine().getOut();
        long links = m.entries().stream().filter(e -> e.kind() == ManifestEntry.Kind.LINK).count();
        long files = m.entries().stream().filter(e -> e.kind() == ManifestEntry.Kind.FILE).count();
        long other = m.entries().stream()
                .filter(e -> e.kind() == ManifestEntry.Kind.WRITE_ONLY || e.kind() == ManifestEntry.Kind.UNREADABLE)
                .count();
        out.printf("captured %d attributes, %d links, %d write-only or unreadable attributes into %s%n",
                files, links, other, output);
        return 0;
    }
}
