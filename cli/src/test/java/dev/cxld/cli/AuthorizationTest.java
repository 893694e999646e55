package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.cxld.daemon.testing.Prerequisites.require;

import dev.cxld.daemon.Daemon;
import dev.cxld.daemon.sysfs.capture.CaptureTree;
import dev.cxld.daemon.server.Limits;
import dev.cxld.daemon.server.SocketServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorization with real credentials: the daemon runs here (as root), cxlctl runs in another JVM
 * under setpriv as the unprivileged user nobody (65534), with and without the admin group.
 * Needs root, as CI has; anywhere else it is skipped and says why.
 */
class AuthorizationTest {
    static final String NOBODY = "65534";
    /** The admin group of these tests: Debian's "users" (gid 100), which nobody is not in. */
    static final String GROUP = "users";
    static final String GID = "100";

    @TempDir Path tmp;
    Path home;
    Path classpath;
    final List<Daemon> daemons = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        require("root".equals(System.getProperty("user.name")), "needs root to run cxlctl as another user");
        require(new File("/usr/bin/setpriv").canExecute(), "needs setpriv (util-linux)");
        require(Files.readString(Path.of("/etc/group")).contains("\n" + GROUP + ":x:" + GID + ":"),
                "needs group " + GROUP + " with gid " + GID);
        // a directory nobody can read: the socket, and a copy of this test's class path for cxlctl
        home = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "cxld-auth-" + ProcessHandle.current().pid()));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        classpath = copyClasspath(home.resolve("cp"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Daemon d : daemons) {
            d.close();
        }
        if (home != null) {
            try (Stream<Path> s = Files.walk(home)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Path copyClasspath(Path dest) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(e);
            if (!Files.exists(src)) {
                continue;
            }
            Path to = dest.resolve(n++ + "-" + src.getFileName());
            if (Files.isDirectory(src)) {
                try (Stream<Path> s = Files.walk(src)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        Path t = to.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(p, t);
                        }
                    }
                }
            } else {
                Files.createDirectories(dest);
                Files.copy(src, to);
            }
            entries.add(to.toString());
        }
        Path file = dest.resolve("classpath");
        Files.writeString(file, String.join(File.pathSeparator, entries));
        try (Stream<Path> s = Files.walk(dest)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                p.toFile().setReadable(true, false);
                if (Files.isDirectory(p)) {
                    p.toFile().setExecutable(true, false);
                }
            }
        }
        return file;
    }

    Path daemon(String name, SocketServer.Exposure exposure) throws Exception {
        Path sys = tmp.resolve(name);
        CaptureTree.materialize(Path.of(getClass().getClassLoader().getResource("sysfs/ram3-committed").toURI()), sys);
        Path socket = home.resolve(name + ".sock");
        Daemon d = new Daemon(new Daemon.Config(sys, socket, Limits.DEFAULT, exposure, GROUP, Duration.ofSeconds(30),
                null, false, sys.resolve("dev"), tmp.resolve(name + "-state"), Path.of("/proc"), tmp.resolve(name + "-run"),
                dev.cxld.daemon.config.CxldConfig.none(), null));
        daemons.add(d);
        Thread t = new Thread(d::serve, "auth-daemon-" + name);
        t.setDaemon(true);
        t.start();
        return socket;
    }

    record Result(int exit, String out, String err) {}

    /** cxlctl in a new JVM as nobody; {@code groups} are its supplementary groups ("" for none). */
    Result asNobody(String groups, Path socket, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY));
        cmd.add(groups.isEmpty() ? "--clear-groups" : "--groups=" + groups);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-cp", Files.readString(classpath), "dev.cxld.cli.CxlCtl",
                "--socket", socket.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void anUnprivilegedUserMayReadButNotChange() throws Exception {
        Path socket = daemon("open", SocketServer.Exposure.OPEN);
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));

        Result list = asNobody("", socket, "list", "-M");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("\"memdev\":\"mem2\"");
        Result status = asNobody("", socket, "status");
        assertThat(status.exit()).as(status.err()).isZero();

        Result denied = asNobody("", socket, "disable-memdev", "-f", "mem2");
        assertThat(denied.exit()).as("ndctl's verbs exit 1 on any failure").isEqualTo(1);
        assertThat(denied.err()).contains("disable-memdev changes the system: it needs root or membership in group users")
                .contains("(uid 65534, pid ");
        assertThat(Files.readString(tmp.resolve("open/bus/cxl/drivers/cxl_mem/unbind"))).as("nothing written").isEmpty();
    }

    /**
     * Every operation of the protocol, sent as nobody over one real connection (a client JVM under
     * setpriv, so the credentials are the kernel's): the reading ones are served, every other one
     * is PERMISSION_DENIED and writes nothing.
     */
    @Test
    void everyOperationAsARealUnprivilegedPeer() throws Exception {
        Path socket = daemon("walk", SocketServer.Exposure.OPEN);
        List<String> ops = new ArrayList<>();
        for (java.lang.reflect.Field f : dev.cxld.protocol.Request.class.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                ops.add((String) f.get(null));
            }
        }
        ops.remove("monitor");
        ops.add("monitor"); // last: its stream would interleave with later answers
        StringBuilder requests = new StringBuilder();
        for (String op : ops) {
            requests.append("{\"id\":\"").append(op).append("\",\"op\":\"").append(op).append("\",\"args\":{\"memdev\":\"mem2\","
                    + "\"region\":\"region1\",\"target\":\"mem2\",\"type\":\"ram\",\"memdevs\":[\"mem2\"],\"data\":\"AAAA\","
                    + "\"force\":true}}\n");
        }
        List<String> lines = rawAsNobody(socket, requests.toString());
        assertThat(lines).hasSize(ops.size());
        for (String line : lines) {
            var reply = dev.cxld.protocol.Json.mapper().readTree(line);
            String op = reply.get("id").asText();
            String code = reply.path("error").path("code").asText();
            if (dev.cxld.daemon.testing.ReadingOperations.ALL.contains(op)) {
                assertThat(code).as(op + ": " + line).isNotEqualTo("PERMISSION_DENIED");
            } else {
                assertThat(code).as(op + ": " + line).isEqualTo("PERMISSION_DENIED");
                assertThat(reply.path("error").path("message").asText()).contains("(uid 65534, pid ");
            }
        }
        assertThat(Files.readString(tmp.resolve("walk/bus/cxl/drivers/cxl_mem/unbind"))).as("nothing written").isEmpty();
        assertThat(tmp.resolve("walk-state/handoffs.json")).as("no handoff recorded").doesNotExist();
    }

    /**
     * Device reads as a real unprivileged peer: label contents and media errors are refused by the
     * default device policy, and a flood of mailbox reads is held to the per-user rate (BUSY),
     * while root's reads beside it are all served.
     */
    @Test
    void deviceReadsAreHeldToThePolicyAndTheRateAsARealUnprivilegedPeer() throws Exception {
        Path socket = daemon("device", SocketServer.Exposure.OPEN);
        StringBuilder requests = new StringBuilder("{\"id\":\"labels\",\"op\":\"labels-read\",\"args\":{\"memdev\":\"mem0\"}}\n"
                + "{\"id\":\"media\",\"op\":\"list\",\"args\":{\"memdevs\":true,\"mediaErrors\":true}}\n");
        for (int i = 0; i < 100; i++) {
            requests.append("{\"id\":").append(i).append(",\"op\":\"identify\",\"args\":{\"memdev\":\"mem0\"}}\n");
        }
        List<String> lines = rawAsNobody(socket, requests.toString());
        assertThat(lines).hasSize(102);
        int busy = 0;
        for (String line : lines) {
            var reply = dev.cxld.protocol.Json.mapper().readTree(line);
            String code = reply.path("error").path("code").asText();
            String id = reply.get("id").asText();
            if (id.equals("labels") || id.equals("media")) {
                assertThat(code).as(line).isEqualTo("PERMISSION_DENIED");
                assertThat(reply.path("error").path("message").asText()).contains("(uid 65534, pid ", "device policy");
            } else if (code.equals("BUSY")) {
                busy++;
            } else {
                assertThat(code).as(line).isNotEqualTo("PERMISSION_DENIED");
            }
        }
        // the default rate, 20 a second with a burst of 40: most of a pipelined 100 are refused
        assertThat(busy).as(String.join("\n", lines)).isBetween(40, 60);
        // root, beside it, is not limited
        for (int i = 0; i < 60; i++) {
            assertThat(asRoot(socket, "{\"id\":1,\"op\":\"identify\",\"args\":{\"memdev\":\"mem0\"}}")
                    .path("error").path("code").asText()).isNotEqualTo("BUSY");
        }
    }

    /** The answer lines of {@code requests}, sent over one connection by a client JVM running as nobody. */
    List<String> rawAsNobody(Path socket, String requests) throws Exception {
        List<String> cmd = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", Files.readString(classpath), "dev.cxld.cli.RawClient", socket.toString());
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(requests.getBytes(StandardCharsets.UTF_8));
        }
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
        return lines;
    }

    /** One request over a connection of this (root) process; its answer. */
    static com.fasterxml.jackson.databind.JsonNode asRoot(Path socket, String request) throws IOException {
        try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            ch.write(java.nio.ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(java.nio.channels.Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            return dev.cxld.protocol.Json.mapper().readTree(in.readLine());
        }
    }

    @Test
    void theAdminGroupMayChangeThingsBySupplementaryGroup() throws Exception {
        Path socket = daemon("group", SocketServer.Exposure.OPEN);
        Result r = asNobody(GID, socket, "disable-memdev", "-f", "mem2");
        // authorized: the write reaches the (captured, so unchanging) tree and the daemon says so
        assertThat(r.err()).doesNotContain("changes the system");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("accepted the write", "still enabled");
        assertThat(Files.readString(tmp.resolve("group/bus/cxl/drivers/cxl_mem/unbind"))).isEqualTo("mem2");
    }

    @Test
    void socketModeAndGroupDecideWhoMayConnectAtAll() throws Exception {
        Path socket = daemon("closed", new SocketServer.Exposure("0660", GROUP));
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
        assertThat(Files.getAttribute(socket, "unix:gid")).isEqualTo(Integer.parseInt(GID));

        Result outsider = asNobody("", socket, "list", "-M");
        assertThat(outsider.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(outsider.err()).contains("cannot reach cxld at " + socket).contains("Permission denied");
        Result member = asNobody(GID, socket, "list", "-M");
        assertThat(member.exit()).as(member.err()).isZero();
    }
}
