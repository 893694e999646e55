package dev.cxld.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** [daemon] options in the configuration files, under the command line, and what a reload may change. */
class SettingsTest {
    @TempDir Path tmp;

    Settings load(String conf, String... flags) throws Exception {
        Path file = tmp.resolve("cxld.conf");
        Files.writeString(file, conf);
        List<String> args = new ArrayList<>(List.of("--config", file.toString()));
        args.addAll(List.of(flags));
        Main m = new Main();
        new CommandLine(m).parseArgs(args.toArray(String[]::new));
        return Settings.load(m, args);
    }

    @Test
    void everyOptionOfTheCommandLineIsAKeyAndFlagsWin() throws Exception {
        Settings s = load("[daemon]\nmax-connections-per-user = 9\nrescan-interval = 7\nsocket = /tmp/x.sock\n"
                + "follow = yes\nmetrics-listen = 9858\n", "--rescan-interval", "11");
        assertThat(s.daemon().limits().maxPerUser()).isEqualTo(9);
        assertThat(s.daemon().rescanInterval().toSeconds()).as("the flag wins").isEqualTo(11);
        assertThat(s.daemon().socket()).isEqualTo(Path.of("/tmp/x.sock"));
        assertThat(s.daemon().uevents()).as("follow = yes").isTrue();
        assertThat(s.daemon().exported().listen().getHostString()).isEqualTo("127.0.0.1");
        assertThat(s.daemon().exported().listen().getPort()).isEqualTo(9858);
        assertThat(s.fromFiles()).containsOnlyKeys("max-connections-per-user", "socket", "follow", "metrics-listen");
        assertThat(s.fromFiles().get("socket")).endsWith("cxld.conf:4");
        // every option but those that choose the file is a key
        assertThat(Settings.keys(new CommandLine(new Main()).getCommandSpec())).contains("sysfs-root", "admin-group",
                "state-dir", "metrics-textfile", "nfd-features").doesNotContain("config", "check-config", "help");
    }

    @Test
    void theExampleConfigurationChecksWithEveryLineUncommented() throws Exception {
        // the shipped example, every commented setting and section made live (as an operator would)
        String example = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("systemd/cxld.conf"));
        StringBuilder live = new StringBuilder();
        for (String line : example.split("\n")) {
            String l = line.startsWith("# ") ? line.substring(2) : line;
            if (l.matches("\\[[a-z]+( [a-z0-9]+)?\\]") || l.matches("[a-z-]+ = .*")) {
                live.append(l.replace("user = my-runtime-user", "user = root")).append('\n');
            }
        }
        Settings s = load(live.toString());
        assertThat(s.daemon().exported().listen().getPort()).isEqualTo(9858);
        assertThat(s.daemon().limits().maxPerUser()).isEqualTo(64);
        assertThat(s.files().accelerators()).singleElement().satisfies(a -> {
            assertThat(a.holder()).isEqualTo("my-runtime");
            assertThat(a.grantUser()).isEqualTo("root");
        });
    }

    @Test
    void badValuesNameTheFileAndLine() {
        assertThatThrownBy(() -> load("[daemon]\n\nmax-connections = lots\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cxld.conf:3: max-connections:")
                .hasMessageContaining("'lots' is not an int");
        assertThatThrownBy(() -> load("[daemon]\nmax-connection = 3\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cxld.conf:2: unknown key max-connection in [daemon]")
                .hasMessageContaining("max-connections-per-user");
        assertThatThrownBy(() -> load("[daemon]\nfollow = maybe\n")).hasMessageContaining("cxld.conf:2: follow:");
        assertThatThrownBy(() -> load("[daemon]\nconfig = /etc/other\n")).hasMessageContaining("unknown key config");
        assertThatThrownBy(() -> load("[daemon]\nmax-connections = 0\n"))
                .isInstanceOf(Settings.ConfigRuntimeException.class)
                .hasMessageContaining("cxld.conf:2: max-connections: must be at least 1, not 0");
        assertThatThrownBy(() -> load("[daemon]\nmetrics-listen = host:port\n"))
                .hasMessageContaining("cxld.conf:2: metrics-listen:");
        assertThatThrownBy(() -> load("[daemon foo]\n")).hasMessageContaining("write [daemon]");
        // the same value on the command line is a usage error, not the file's
        assertThatThrownBy(() -> load("", "--max-connections", "0")).isInstanceOf(Settings.UsageError.class)
                .hasMessageContaining("--max-connections: must be at least 1");
    }

    @Test
    void aReloadNamesWhatWaitsForARestart() throws Exception {
        Settings before = load("[daemon]\nmax-connections-per-user = 9\n");
        Settings after = load("[daemon]\nmax-connections-per-user = 5\nstate-dir = /tmp/elsewhere\n");
        assertThat(before.needRestart(after)).singleElement().asString()
                .startsWith("state-dir changed (").contains("cxld.conf:3", "takes effect when cxld restarts");
        assertThat(before.needRestart(before)).isEmpty();
    }

    @Test
    void journalLinesCarryTheirSyslogPriority() throws Exception {
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        java.io.PrintStream p = new java.io.PrintStream(new JournalStream(sink), true, "UTF-8");
        p.println("INFO Daemon - serving");
        p.println("ERROR Reloader - refused");
        p.println("java.lang.IllegalStateException: x");
        p.println("\tat a.b(C.java:1)");
        p.println("WARN X - careful");
        assertThat(sink.toString("UTF-8")).isEqualTo("<6>INFO Daemon - serving\n<3>ERROR Reloader - refused\n"
                + "<3>java.lang.IllegalStateException: x\n<3>\tat a.b(C.java:1)\n<4>WARN X - careful\n");
    }
}
