package dev.cxld.daemon.sysfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcStatTest {
    @TempDir Path tmp;

    @Test
    void theStartTimeIsField22CountedAfterTheCommandName() throws Exception {
        // a command name with spaces and parentheses, as a process may give itself
        String stat = "4242 (my (odd) runtime) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 1000 200";
        Files.createDirectories(tmp.resolve("4242"));
        Files.writeString(tmp.resolve("4242/stat"), stat + "\n");
        ProcStat p = new ProcStat(tmp);
        assertThat(p.startTime(4242)).isEqualTo(OptionalLong.of(987654));
        assertThat(p.startTime(4243)).as("no such process").isEmpty();
        assertThat(p.startTime(0)).isEmpty();
        assertThat(ProcStat.startTime(stat.replace(") S ", ") Z "))).as("a zombie has exited").isEmpty();
        assertThat(ProcStat.startTime("garbage")).isEmpty();
        assertThat(ProcStat.startTime("1 (x) S 1 2")).as("too short").isEmpty();
    }

    @Test
    void thisProcessIsThereOnTheRealProc() {
        ProcStat p = new ProcStat(Path.of("/proc"));
        long self = ProcessHandle.current().pid();
        assertThat(p.startTime(self)).isPresent();
        assertThat(p.startTime(self)).isEqualTo(p.startTime(self));
    }
}
