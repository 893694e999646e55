package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cxld.daemon.events.TraceLine;
import dev.cxld.daemon.sysfs.capture.CaptureTree;
import dev.cxld.protocol.Event;
import dev.cxld.protocol.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas shipped with protocol (dev/cxld/protocol/schema, installed in
 * /usr/share/cxld/schema) hold for what cxld really prints: status and list of the daemon over
 * every tree captured from a guest, list with each of its selections, the monitor events of real
 * changes, and the trace events of a guest's kernel.
 */
class SchemaTest {
    @TempDir Path tmp;
    FixtureDaemon d;

    static Schema schema(String name) throws Exception {
        try (InputStream in = Event.class.getResourceAsStream("/dev/cxld/protocol/schema/" + name + ".schema.json")) {
            assertThat(in).as(name + " schema shipped in the protocol jar").isNotNull();
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static void valid(Schema s, String what, JsonNode doc) {
        List<String> errors = s.validate(doc).stream().map(Object::toString).collect(Collectors.toList());
        assertThat(errors).as(what + ":\n" + doc.toPrettyString()).isEmpty();
    }

    static Stream<String> fixtures() throws Exception {
        Path root = Path.of(SchemaTest.class.getClassLoader().getResource("sysfs").toURI());
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList())
                    .stream();
        }
    }

    void start(String fixture) throws Exception {
        d = new FixtureDaemon(tmp, fixture);
    }

    @AfterEach
    void stop() throws Exception {
        if (d != null) {
            d.close();
        }
    }

    JsonNode cxlctl(String... args) throws Exception {
        String out = d.cxlctl(args);
        return Json.mapper().readTree(out.isBlank() ? "[]" : out);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void statusAndEveryListOfEveryCapturedTree(String fixture) throws Exception {
        start(fixture);
        valid(schema("status"), fixture + " status", cxlctl("status"));
        Schema list = schema("list");
        for (String[] args : new String[][] {{}, {"-vvv"}, {"-M"}, {"-R"}, {"-D"}, {"-P"}, {"-E"}, {"-B"}, {"-M", "-u"},
                {"-RMD", "-u"}, {"-m", "mem0"}, {"-BPEMDT"}, {"-vv", "-u"}, {"-X"}}) {
            List<String> a = new ArrayList<>(List.of("list"));
            a.addAll(List.of(args));
            valid(list, fixture + " " + String.join(" ", a), cxlctl(a.toArray(String[]::new)));
        }
    }

    @Test
    void theEventsOfRealChangesAndOfAGuestsTracepoints() throws Exception {
        start("ram3-pending");
        Schema event = schema("event");
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        DaemonClient monitor = new DaemonClient(tmp.resolve("s"));
        Thread t = new Thread(() -> {
            try {
                monitor.stream("monitor", null, e -> {
                    seen.add(e);
                    return seen.size() < 100;
                });
            } catch (java.io.IOException e) {
                // closed by the test
            }
        });
        t.setDaemon(true);
        t.start();
        Thread.sleep(500);
        // the kernel's changes, as the captured trees of the same guest before and after committing show them
        Path sys = tmp.resolve("sys");
        CaptureTree.materialize(Path.of(getClass().getClassLoader().getResource("sysfs/ram3-committed").toURI()),
                tmp.resolve("after"));
        try (Stream<Path> s = Files.list(sys)) {
            for (Path p : s.collect(Collectors.toList())) {
                deleteTree(p);
            }
        }
        try (Stream<Path> s = Files.list(tmp.resolve("after"))) {
            for (Path p : s.collect(Collectors.toList())) {
                Files.move(p, sys.resolve(p.getFileName()));
            }
        }
        cxlctl("list", "-R");
        for (int i = 0; i < 50 && seen.isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(seen).as("events of the change").isNotEmpty();
        for (JsonNode e : seen) {
            valid(event, "monitor event", e);
        }
        assertThat(seen.stream().map(e -> e.path("source").asText())).containsOnly("topology");
        assertThat(seen.stream().map(e -> e.path("event").asText())).contains("changed");
        try (InputStream in = getClass().getResourceAsStream("/events/trace-cxl.txt")) {
            int n = 0;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                java.util.Optional<Event> e = TraceLine.parse(line);
                if (e.isPresent()) {
                    valid(event, "trace event of " + line, Json.mapper().valueToTree(e.get().stamped(++n, "2026-12-02T00:00:00Z")));
                }
            }
            assertThat(n).as("trace events in the capture").isPositive();
        }
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(q);
            }
        }
    }
}
