package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cxld as a Debian host runs it: a guest booted with Debian's systemd as PID 1 (cxlvm --systemd:
 * the host root read-only under a writable overlay) installs the package `mvn package` built with
 * apt-get, then test/vm/guest/systemd.sh checks each promise against systemd and the kernel: the
 * postinst's group and enabled units, READY before active, socket activation, a synchronous reload
 * that applies an accelerator and refuses a broken file, a clean stop that keeps the handoff (the
 * region stays out of System RAM), the watchdog restarting a stopped cxld, journal priorities, and
 * remove/purge.
 */
class SystemdVmIT {
    static final List<String> CHECKS = List.of("install", "group", "enabled", "started-by-postinst", "on-path", "man-pages",
            "zsh-completion", "bash-completion", "start", "answers-when-active", "active-after-ready", "status-text", "not-activated",
            "mailbox-under-hardening", "inactive-before-call", "call-through-socket", "started-by-socket", "activated",
            "check-config", "reload", "reload-by-signal", "reload-applied", "accelerator-attached", "region-not-ram",
            "check-config-refuses", "reload-bad-fails", "still-active", "bad-reload-refused", "old-config-kept",
            "refusal-status-text", "stop", "stopped-cleanly", "handoff-recorded", "handoff-kept", "tree-marks-handoff",
            "metrics-parse", "metrics-textfile", "nfd-features", "watchdog-restart",
            "watchdog-logged", "handoff-after-watchdog", "journal-priorities", "remove", "nothing-running", "state-kept",
            "purge", "state-purged");

    @TempDir Path out;

    @Test
    void thePackageUnderARealSystemd() throws Exception {
        GuestVm.Result r = GuestVm.run(Map.of("CXLVM_INIT", "systemd"), "ram1", 900, out, "test/vm/guest/systemd.sh");
        String journal = Files.exists(out.resolve("journal.txt")) ? Files.readString(out.resolve("journal.txt")) : "";
        assertThat(r.exitCode()).as(r + "\njournal:\n" + journal).isZero();
        List<String> ok = Arrays.stream(r.stdout().split("\n")).filter(l -> l.startsWith("ok "))
                .map(l -> l.substring(3)).collect(Collectors.toList());
        assertThat(ok).as("every check ran and passed, in order").containsExactlyElementsOf(CHECKS);
        assertThat(r.stdout()).endsWith("all checks passed\n");
    }
}
