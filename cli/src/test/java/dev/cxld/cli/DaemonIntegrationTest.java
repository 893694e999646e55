package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.Daemon;
import dev.cxld.daemon.sysfs.capture.CaptureTree;
import dev.cxld.daemon.list.ListWalk;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.ListParams;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The real daemon, in this JVM, on a temporary socket over a captured tree, driven through cxlctl. */
class DaemonIntegrationTest {
    @TempDir Path tmp;
    Daemon daemon;
    Thread serving;
    Path sys;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    void start(String fixture) throws Exception {
        sys = tmp.resolve("sys");
        CaptureTree.materialize(Path.of(getClass().getClassLoader().getResource("sysfs/" + fixture).toURI()), sys);
        daemon = new Daemon(new Daemon.Config(sys, tmp.resolve("s")));
        serving = new Thread(daemon::serve, "test-daemon");
        serving.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
            serving.join(5000);
        }
    }

    int cxlctl(String... args) {
        CommandLine cl = CxlCtl.commandLine(new CxlCtl());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 3];
        all[0] = "--socket";
        all[1] = tmp.resolve("s").toString();
        all[2] = "list";
        System.arraycopy(args, 0, all, 3, args.length);
        return cl.execute(all);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-vv", "-M", "-D", "-P -E", "-R -T", "-vv -u", "-M -m mem1 -u", "-D -d root -R"})
    void cxlctlPrintsWhatTheListingOfTheTreeIs(String flags) throws Exception {
        start("switch2-committed");
        assertThat(cxlctl(flags.split(" "))).as(err.toString()).isZero();
        dev.cxld.protocol.ListOptions options = new dev.cxld.protocol.ListOptions();
        new CommandLine(options).parseArgs(flags.split(" "));
        ListParams params = options.toParams();
        assertThat(out.toString()).isEqualTo(JsonText.pretty(ListWalk.list(new CxlSysfs(sys).scan(), params)));
    }

    /** {@code cxlctl ARGS} as main runs it: the quick path, which must take these calls. */
    String[] quick(int expectedExit, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--socket";
        all[1] = tmp.resolve("s").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
        QuickCall q = QuickCall.of(all, java.util.Map.of(), new java.io.PrintStream(o), new java.io.PrintStream(e));
        assertThat(q).as("the quick path takes %s", List.of(args)).isNotNull();
        assertThat(q.run()).as(e.toString()).isEqualTo(expectedExit);
        return new String[] {o.toString(java.nio.charset.StandardCharsets.UTF_8), e.toString(java.nio.charset.StandardCharsets.UTF_8)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"-vv", "-M", "-MRTu", "-D -d root -R", "-m mem9", "-vv -u", "-M -m mem1 -u", "-p switch -S"})
    void theQuickPathPrintsWhatPicocliPrints(String flags) throws Exception {
        start("switch2-committed");
        assertThat(cxlctl(flags.split(" "))).as(err.toString()).isZero();
        String[] args = QuickCallTest.concat(new String[] {"list"}, flags.split(" "));
        String[] quick = quick(0, args);
        assertThat(quick[0]).isEqualTo(out.toString());
        assertThat(quick[1]).isEqualTo(err.toString());
    }

    @Test
    void theQuickPathReportsErrorsAsPicocliDoes() throws Exception {
        start("ram3-committed");
        assertThat(quick(0, "status")[0]).contains("\"memdevs\":3");
        daemon.close();
        serving.join(5000);
        daemon = null;
        String[] down = quick(ExitCodes.UNREACHABLE, "list", "-M");
        assertThat(down[1]).startsWith("cxlctl list: cannot reach cxld at " + tmp.resolve("s")
                + ": No such file or directory; cxld is not running, or is still starting").contains("systemctl start cxld")
                .endsWith("\n").hasLineCount(1);
        assertThat(cxlctl("-M")).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString()).isEqualTo(down[1]);
    }

    @Test
    void answersReflectSysfsChangesMadeBeforeTheRequest() throws Exception {
        start("ram3-committed");
        assertThat(cxlctl("-R")).isZero();
        assertThat(out.toString()).contains("\"region\":\"region1\"");
        // unbind region1 the way the kernel shows it: its driver link goes away
        Files.delete(sys.resolve("bus/cxl/devices/region1").toRealPath().resolve("driver"));
        out.getBuffer().setLength(0);
        assertThat(cxlctl("-R")).isZero();
        assertThat(out.toString()).doesNotContain("region1");
        out.getBuffer().setLength(0);
        assertThat(cxlctl("-R", "-i")).isZero();
        assertThat(out.toString()).contains("\"region\":\"region1\"").contains("\"state\":\"disabled\"");
    }

    @Test
    void emptyResultsWarnAndUsageErrorsExitTwo() throws Exception {
        start("ram1-empty");
        assertThat(cxlctl("-m", "mem9")).isZero();
        assertThat(out.toString()).isEqualTo("[\n]\n");
        assertThat(err.toString()).isEqualTo("  Warning: no matching devices found\n\n");
        err.getBuffer().setLength(0);
        assertThat(cxlctl("-S")).isEqualTo(2);
        assertThat(err.toString()).contains("-S/--single expects a port filter");
    }

    @Test
    void statusReportsTheDaemonAndTheTopology() throws Exception {
        start("ram3-committed");
        CommandLine cl = CxlCtl.commandLine(new CxlCtl());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("--socket", tmp.resolve("s").toString(), "status")).as(err.toString()).isZero();
        com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
        assertThat(s.get("daemon").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(s.get("sysfs_root").asText()).isEqualTo(sys.toString());
        assertThat(s.get("counts").get("memdevs").asInt()).isEqualTo(3);
        assertThat(s.get("counts").get("regions_committed").asInt()).isEqualTo(2);
        assertThat(s.get("capacity").get("ram").get("total_bytes").asLong()).isEqualTo(3L << 29);
    }

    /**
     * cxld on ram3 with region1's dax device on device_dax: private already, so a captured tree can
     * take the handoff (the steps that make memory private need a kernel: PrivateMemoryVmIT).
     */
    void startWithRegion1Private() throws Exception {
        start("ram3-committed");
        dev.cxld.daemon.testing.SysfsFixtures.bindDax(sys, "region1", "dax1.0", "device_dax");
    }

    int run(StringWriter o, StringWriter e, String... args) {
        CommandLine cl = CxlCtl.commandLine(new CxlCtl());
        cl.setOut(new PrintWriter(o));
        cl.setErr(new PrintWriter(e));
        String[] all = new String[args.length + 2];
        all[0] = "--socket";
        all[1] = tmp.resolve("s").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cl.execute(all);
    }

    int subscribers() throws Exception {
        StringWriter o = new StringWriter();
        assertThat(run(o, new StringWriter(), "status")).isZero();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(o.toString())
                .get("daemon").get("monitor_subscribers").asInt();
    }

    @Test
    void monitorPrintsEachChangeAsOneJsonLine() throws Exception {
        start("ram3-pending");
        StringWriter events = new StringWriter();
        StringWriter monitorErr = new StringWriter();
        java.util.concurrent.CompletableFuture<Integer> monitor = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> run(events, monitorErr, "monitor", "--source", "topology", "--count", "2"));
        for (int i = 0; i < 100 && subscribers() == 0; i++) {
            Thread.sleep(50);
        }
        Path region = sys.resolve("bus/cxl/devices/region2").toRealPath();
        Files.writeString(region.resolve("commit"), "1\n");
        assertThat(cxlctl("-R")).isZero(); // any request refreshes a captured tree
        assertThat(monitor.get(10, java.util.concurrent.TimeUnit.SECONDS)).as(monitorErr.toString()).isZero();
        java.util.List<String> lines = events.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\{\"seq\":1,\"time\":\"[^\"]+\",\"source\":\"topology\",\"event\":\"region-committed\","
                + "\"kind\":\"region\",\"name\":\"region2\",\"data\":\\{\"resource\":\\d+,\"size\":268435456}}");
        assertThat(lines.get(1)).contains("\"event\":\"changed\"", "\"changed\":[\"committed\"]");
    }

    @Test
    void memdevVerbsWithNoCxldSayItAndExitUnreachable() throws Exception {
        // no daemon on the socket: the targets cannot be matched, which is not "no memdev matches"
        StringWriter e = new StringWriter();
        assertThat(run(new StringWriter(), e, "wait-sanitize", "mem0")).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(e.toString()).contains("cannot reach cxld at " + tmp.resolve("s")).doesNotContain("no memdev matches");
        java.io.ByteArrayOutputStream quickErr = new java.io.ByteArrayOutputStream();
        assertThat(QuickVerbs.run(new String[] {"--socket", tmp.resolve("s").toString(), "enable-memdev", "mem0"},
                java.util.Map.of(), new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(quickErr))).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(quickErr.toString(java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("cxlctl enable-memdev: cannot reach cxld at ").doesNotContain("no memdev matches");
    }

    @Test
    void memdevVerbsTakeNdctlsTargets() throws Exception {
        start("ram3-committed"); // no memdev sanitizing: wait-sanitize returns at once for each
        StringWriter e = new StringWriter();
        assertThat(run(new StringWriter(), e, "wait-sanitize", "mem0", "bogus", "2", "mem9")).isZero();
        assertThat(e.toString()).isEqualTo("cxl memdev: memdev_action: 'bogus' is not a valid memdev name\n"
                + "cxl memdev: memdev_action: no memdev matches mem9\n"
                + "cxl memdev: cmd_wait_sanitize: wait sanitize completed on 2 mem devices\n");
        StringWriter all = new StringWriter();
        assertThat(run(new StringWriter(), all, "wait-sanitize", "mem1", "all")).isZero();
        assertThat(all.toString()).endsWith("wait sanitize completed on 3 mem devices\n");
        StringWriter none = new StringWriter();
        assertThat(run(new StringWriter(), none, "wait-sanitize", "bogus")).isEqualTo(129);
        assertThat(none.toString()).startsWith("cxl memdev: memdev_action: 'bogus' is not a valid memdev name\n")
                .contains("Usage:");
    }

    @Test
    void disablingAMemdevOfACommittedRegionIsRefusedAsNdctlRefusesIt() throws Exception {
        start("ram3-committed");
        StringWriter e = new StringWriter();
        assertThat(run(out, e, "disable-memdev", "mem0")).isEqualTo(1);
        assertThat(e.toString()).startsWith("cxl memdev: action_disable: mem0 is part of an active region (region0)")
                .endsWith("cxl memdev: cmd_disable_memdev: disabled 0 mem\n");
        StringWriter json = new StringWriter();
        assertThat(run(json, new StringWriter(), "enable-memdev", "--json", "mem0", "mem1")).isZero();
        assertThat(json.toString()).contains("\"memdev\":\"mem1\"", "\"changed\":false");
    }

    @Test
    void attachWithoutAKernelToMakeTheMemoryPrivateIsRefusedAndRecordsNothing() throws Exception {
        start("ram3-committed"); // dax1.0 unbound: it must be bound to device_dax, which a captured tree cannot do
        StringWriter e = new StringWriter();
        assertThat(run(new StringWriter(), e, "attach-region", "mem2")).isEqualTo(ExitCodes.KERNEL_ERROR);
        assertThat(e.toString()).contains("bind dax1.0 to device_dax: the kernel refused: ")
                .contains(sys.resolve("bus/dax/drivers/device_dax/bind").toString());
        StringWriter status = new StringWriter();
        assertThat(run(status, new StringWriter(), "status")).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.toString()).at("/handoffs/active").size())
                .as("nothing recorded").isZero();
    }

    @Test
    void attachRegionHandsOffTheSingleTargetRegionOnceAndDetachReleasesOnce() throws Exception {
        startWithRegion1Private();
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        assertThat(run(o, e, "attach-region", "mem2", "--owner", "accel-0")).as(e.toString()).isZero();
        com.fasterxml.jackson.databind.JsonNode h = new com.fasterxml.jackson.databind.ObjectMapper().readTree(o.toString());
        java.util.List<String> keys = new java.util.ArrayList<>();
        h.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("memdev", "region", "decoder", "resource", "size", "hpa_range",
                "interleave_ways", "mode", "dax", "locked", "holder", "since", "private_memory");
        assertThat(h.get("private_memory").toString()).isEqualTo("{\"dax\":\"dax1.0\",\"device\":\""
                + sys.resolve("dev/dax1.0") + "\",\"size\":268435456,\"align\":2097152,\"driver_before\":\"device_dax\","
                + "\"offlined\":[],\"system_ram\":false}");
        Path region1 = sys.resolve("bus/cxl/devices/region1").toRealPath();
        long resource = Long.decode(Files.readString(region1.resolve("resource")).strip());
        long size = Long.decode(Files.readString(region1.resolve("size")).strip());
        assertThat(h.get("resource").asLong()).isEqualTo(resource);
        assertThat(h.get("size").asLong()).isEqualTo(size);
        assertThat(h.get("hpa_range").toString()).isEqualTo("{\"start\":" + resource + ",\"end\":" + (resource + size - 1) + "}");
        assertThat(h.get("holder").get("uid").asLong()).isZero();
        assertThat(h.get("holder").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(h.get("holder").get("owner").asText()).isEqualTo("accel-0");

        StringWriter again = new StringWriter();
        assertThat(run(new StringWriter(), again, "attach-region", "mem2")).isEqualTo(ExitCodes.IN_USE);
        assertThat(again.toString()).contains("already handed off to root");
        StringWriter interleaved = new StringWriter();
        StringWriter json = new StringWriter();
        assertThat(run(json, interleaved, "attach-region", "--json", "mem0")).isEqualTo(ExitCodes.NOT_ATTACHABLE);
        assertThat(interleaved.toString()).contains("region0").contains("interleaved across 2 targets");
        assertThat(json.toString()).contains("\"code\":\"NOT_ATTACHABLE\"");
        StringWriter status = new StringWriter();
        assertThat(run(status, new StringWriter(), "status")).isZero();
        assertThat(status.toString()).contains("\"handoffs\":{").contains("\"region\":\"region1\"");

        StringWriter detached = new StringWriter();
        assertThat(run(detached, new StringWriter(), "detach-region", "mem2")).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(detached.toString()).get("memory").asText())
                .as("attach found the memory private and changed nothing").isEqualTo("unchanged");
        StringWriter twice = new StringWriter();
        assertThat(run(new StringWriter(), twice, "detach-region", "mem2")).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(twice.toString()).contains("no handoff of mem2 to release");
    }

    com.fasterxml.jackson.databind.JsonNode activeHandoffs() throws Exception {
        StringWriter status = new StringWriter();
        assertThat(run(status, new StringWriter(), "status")).isZero();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.toString()).at("/handoffs/active");
    }

    void awaitActive(int n) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (activeHandoffs().size() != n) {
            assertThat(System.nanoTime()).as("%d active handoffs within 10 s", n).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aLeaseIsHeldByItsCxlctlAndOnlyForceTakesItAway() throws Exception {
        startWithRegion1Private();
        StringWriter heldOut = new StringWriter();
        StringWriter heldErr = new StringWriter();
        java.util.concurrent.CompletableFuture<Integer> holder = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> run(heldOut, heldErr, "attach-region", "mem2", "--lease", "--owner", "accel-0"));
        awaitActive(1);
        assertThat(activeHandoffs().get(0).at("/lease/kind").asText()).isEqualTo("connection");
        assertThat(holder).as("the holder keeps its connection").isNotDone();

        StringWriter e = new StringWriter();
        assertThat(run(new StringWriter(), e, "detach-region", "mem2")).isEqualTo(ExitCodes.IN_USE);
        assertThat(e.toString()).contains("is leased to root").contains("detach-region --force");
        assertThat(run(new StringWriter(), new StringWriter(), "detach-region", "mem2", "--force")).isZero();

        assertThat(holder.get(10, java.util.concurrent.TimeUnit.SECONDS)).as(heldErr.toString()).isEqualTo(ExitCodes.LEASE_ENDED);
        assertThat(heldOut.toString()).contains("\"region\":\"region1\"").contains("\"kind\":\"connection\"")
                .contains("\"event\":\"handoff-released\"");
        assertThat(heldErr.toString()).contains("cxlctl attach-region: the lease of region1 ended: handoff-released"
                + " (detached by force, from another connection than its holder's)");
        assertThat(activeHandoffs()).isEmpty();
        assertThat(run(new StringWriter(), e, "attach-region", "mem2", "--lease", "--pid", "1")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void execRunsTheHolderWithTheDeviceAsDescriptorThreeAndReleasesWhenItExits() throws Exception {
        startWithRegion1Private();
        Path node = Files.createDirectories(sys.resolve("dev")).resolve("dax1.0");
        Files.writeString(node, "");
        Path seen = tmp.resolve("seen");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int rc = run(o, e, "attach-region", "mem2", "--owner", "accel-0", "--exec", "sh", "-c",
                "{ readlink /proc/self/fd/3; echo \"$LISTEN_FDS $LISTEN_FDNAMES $CXLD_DAX_FD $CXLD_DAX_DEVICE\";"
                        + " [ \"$LISTEN_PID\" = $$ ] && echo pid-ok; echo \"$CXLD_HANDOFF\"; } > \"$0\"; exit 7",
                seen.toString());
        assertThat(rc).as("the command's own status; " + e).isEqualTo(7);
        assertThat(o.toString()).as("stdout is the command's").isEmpty();
        List<String> lines = Files.readAllLines(seen);
        assertThat(lines.subList(0, 3)).containsExactly(node.toString(), "1 dax1.0 3 " + node, "pid-ok");
        com.fasterxml.jackson.databind.JsonNode h = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(3));
        assertThat(h.at("/region").asText()).isEqualTo("region1");
        assertThat(h.at("/lease/kind").asText()).isEqualTo("connection");
        assertThat(h.at("/holder/owner").asText()).isEqualTo("accel-0");
        assertThat(h.at("/private_memory/grant/uid").asLong()).as("granted to the caller's uid").isZero();
        awaitActive(0);

        // a command that cannot be run: the shell's 127, and nothing stays handed off
        assertThat(run(new StringWriter(), new StringWriter(), "attach-region", "mem2", "--exec",
                tmp.resolve("no-such-runtime").toString())).isEqualTo(127);
        awaitActive(0);
        // a device that cannot be opened: 126
        Files.delete(node);
        Files.createDirectory(node);
        StringWriter dirErr = new StringWriter();
        assertThat(run(new StringWriter(), dirErr, "attach-region", "mem2", "--exec", "true")).isEqualTo(126);
        awaitActive(0);
    }

    @Test
    void execStopsTheHolderWhenCxldEndsTheLease() throws Exception {
        startWithRegion1Private();
        Files.writeString(Files.createDirectories(sys.resolve("dev")).resolve("dax1.0"), "");
        StringWriter heldErr = new StringWriter();
        java.util.concurrent.CompletableFuture<Integer> holder = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> run(new StringWriter(), heldErr, "attach-region", "mem2", "--exec", "sleep", "60"));
        awaitActive(1);
        assertThat(run(new StringWriter(), new StringWriter(), "detach-region", "mem2", "--force")).isZero();
        assertThat(holder.get(20, java.util.concurrent.TimeUnit.SECONDS)).as(heldErr.toString())
                .isEqualTo(ExitCodes.LEASE_ENDED);
        assertThat(heldErr.toString()).contains("cxlctl attach-region: the lease of region1 ended: handoff-released"
                + " (detached by force, from another connection than its holder's); stopping sleep (pid ");
        StringWriter e = new StringWriter();
        assertThat(run(new StringWriter(), e, "attach-region", "mem2", "--exec")).isEqualTo(ExitCodes.USAGE);
        assertThat(e.toString()).contains("--exec");
        assertThat(run(new StringWriter(), e, "attach-region", "mem2", "--pid", "1", "--exec", "true"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(e.toString()).contains("--exec (the command it runs) and --pid (another process) name different holders");
    }

    @Test
    void aProcessLeaseEndsWhenItsProcessExits() throws Exception {
        startWithRegion1Private();
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            assertThat(run(o, e, "attach-region", "mem2", "--pid", Long.toString(sleeper.pid()))).as(e.toString()).isZero();
            assertThat(o.toString()).contains("\"kind\":\"process\"").contains("\"pid\":" + sleeper.pid());
            Thread.sleep(1500);
            assertThat(activeHandoffs()).as("held while it lives").hasSize(1);
        } finally {
            sleeper.destroy();
            sleeper.waitFor();
        }
        awaitActive(0);
        StringWriter e = new StringWriter();
        assertThat(run(new StringWriter(), e, "detach-region", "mem2")).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run(new StringWriter(), e, "attach-region", "mem2", "--pid", Long.toString(sleeper.pid())))
                .isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(e.toString()).contains("no process " + sleeper.pid() + " to lease the handoff to");
    }

    @Test
    void anUnreachableDaemonIsExitThreeWithTheSocketNamed() {
        assertThat(cxlctl()).isEqualTo(3);
        assertThat(err.toString()).contains("cannot reach cxld at " + tmp.resolve("s")).contains("systemctl start cxld");
    }

    @Test
    void aSecondDaemonOnTheSameSocketRefusesToStart() throws Exception {
        start("ram1-empty");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Daemon(new Daemon.Config(sys, tmp.resolve("s"))))
                .hasMessageContaining("another cxld is already serving this socket");
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        // what a killed cxld leaves: a socket file nobody listens on
        try (var stale = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            stale.bind(java.net.UnixDomainSocketAddress.of(tmp.resolve("s")));
        }
        assertThat(tmp.resolve("s")).exists();
        start("ram1-empty");
        assertThat(cxlctl("-M")).isZero();
        assertThat(out.toString()).contains("\"memdev\":\"mem0\"");
    }
}
