package dev.cxld.daemon.command;

import dev.cxld.daemon.sysfs.capture.CaptureTree;
import dev.cxld.daemon.sysfs.capture.CaptureManifest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cxld materialize-capture}: rebuild a stored capture (no symlinks) into a readable tree. */
@Command(
        name = "materialize-capture",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild a stored sysfs capture (as kept in git: no symlinks, no empty directories) into",
            "DEST from its " + CaptureManifest.FILE_NAME + ", so that --sysfs-root DEST sees the same",
            "tree the capture was taken from.",
        })
public final class MaterializeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "directory holding " + CaptureManifest.FILE_NAME)
    Path source;

    @Parameters(index = "1", paramLabel = "DEST", description = "new or empty directory")
    Path dest;

    @Override
    public Integer call() throws Exception {
        CaptureManifest m = CaptureTree.materialize(source, dest);
        spec.commandLine().getOut().printf("materialized %d entries into %s%n", m.entries().size(), dest);
        return 0;
    }
}
