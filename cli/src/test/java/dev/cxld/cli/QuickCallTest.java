package dev.cxld.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListOptions;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import dev.cxld.protocol.SocketPath;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The quick path reads what picocli reads, or leaves the call to picocli: never a third answer.
 * DaemonIntegrationTest runs both against a daemon and compares what they print.
 */
class QuickCallTest {
    static final PrintStream NOWHERE = new PrintStream(new ByteArrayOutputStream());

    @ParameterizedTest
    @ValueSource(strings = {"", "-M", "-MRTu", "-vv", "-v -v", "-vvv", "--verbose -v", "-m mem0", "-mmem0",
        "--memdev mem0", "--memdev=mem0", "-Mm mem0", "-Mmmem0", "-m mem0,mem1 -u", "-m 'mem0 mem1'", "-s 0x100",
        "-b root0 -P", "-p switch -S", "-e endpoint2", "-d 0.0 -D", "-r region1 -R -T", "-H -I -F -A",
        "-HIFA -M", "--health --partition --firmware --alert-config",
        "--memdevs --buses --ports --endpoints --decoders --regions --targets --idle --human",
        "-p root -S -P", "-P -p root,endpoint", "-m \"quote\\\\back\"", "-i -E -B", "--port=switch --single"})
    void listArgumentsReadAsPicocliReadsThem(String call) {
        String[] args = split(call);
        QuickListArgs.Parsed quick = QuickListArgs.parse(args, 0, null);
        assertThat(quick).as("the quick path takes '%s'", call).isNotNull();
        ListOptions options = new ListOptions();
        new CommandLine(options).parseArgs(args);
        assertThat(quick.params()).isEqualTo(options.toParams());
        assertThat(quick.details()).isEqualTo(options.details());
        assertThat(quick.socket()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-h", "--help", "-V", "--version", "-M -M", "--memdevs -M", "-m a -m b", "-m", "-m -M",
        "--memdev", "-m=mem0", "--memdevs=true", "-x", "mem0", "-S", "-M --", "-m @file", "--memdev=", "-m ''",
        "--socket", "--socket -M", "-Mx", "--mem", "-vx", "-M extra"})
    void whatTheQuickPathDoesNotReadGoesToPicocli(String call) {
        assertThat(QuickListArgs.parse(split(call), 0, null)).as("'%s' is left to picocli", call).isNull();
    }

    @Test
    void theQuickTableIsListOptionsEveryName() {
        List<String> annotated = new ArrayList<>();
        for (Field f : ListOptions.class.getDeclaredFields()) {
            CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
            if (o != null) {
                annotated.add(String.join(" ", o.names()) + (f.getType() == String.class ? " VALUE" : ""));
            }
        }
        List<String> quick = new ArrayList<>();
        for (int i = 0; i < QuickListArgs.FLAGS.length(); i++) {
            quick.add("-" + QuickListArgs.FLAGS.charAt(i) + " " + QuickListArgs.FLAG_NAMES[i]);
        }
        for (int i = 0; i < QuickListArgs.VALUED.length(); i++) {
            quick.add("-" + QuickListArgs.VALUED.charAt(i) + " " + QuickListArgs.VALUED_NAMES[i] + " VALUE");
        }
        assertThat(quick).containsExactlyInAnyOrderElementsOf(annotated);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-MRTu -vv", "-m mem0,mem1 -s 0x100 -b root0 -p switch -e endpoint2 -d 0.0 -r region1",
        "-H -I -F -A -v", "-m \"q\\\\b\""})
    void theListRequestIsTheOnePicocliSends(String call) throws Exception {
        String[] args = split(call);
        QuickCall q = QuickCall.of(concat(new String[] {"list"}, args), Map.of(), NOWHERE, NOWHERE);
        Request sent = Json.mapper().readValue(q.request(), Request.class);
        ListOptions options = new ListOptions();
        new CommandLine(options).parseArgs(args);
        ObjectNode expected = Json.mapper().valueToTree(options.toParams()); // as ListCommand builds it
        expected.setAll((ObjectNode) Json.mapper().valueToTree(options.details()));
        assertThat(sent.id()).isEqualTo(IntNode.valueOf(1));
        assertThat(sent.op()).isEqualTo(Request.LIST);
        assertThat(sent.format()).isEqualTo(Request.Format.TEXT);
        assertThat(sent.args()).isEqualTo(expected);
        assertThat(q.request()).endsWith("}\n").doesNotContain("\n}");
    }

    @Test
    void whichCallsAreQuickAndWhereTheyGo() {
        Map<String, String> env = Map.of(SocketPath.ENVIRONMENT, "/env/s");
        assertThat(QuickCall.of(new String[] {"--version"}, env, NOWHERE, NOWHERE)).isNotNull();
        assertThat(QuickCall.of(new String[] {"-V"}, env, NOWHERE, NOWHERE)).isNotNull();
        assertThat(QuickCall.of(new String[] {"status"}, env, NOWHERE, NOWHERE).socket()).isEqualTo("/env/s");
        assertThat(QuickCall.of(new String[] {"status"}, Map.of(), NOWHERE, NOWHERE).socket()).isEqualTo(SocketPath.DEFAULT);
        assertThat(QuickCall.of(new String[] {"--socket", "/a", "status"}, env, NOWHERE, NOWHERE).socket()).isEqualTo("/a");
        assertThat(QuickCall.of(new String[] {"--socket=/a", "list", "-M"}, env, NOWHERE, NOWHERE).socket()).isEqualTo("/a");
        assertThat(QuickCall.of(new String[] {"list", "--socket", "/b"}, env, NOWHERE, NOWHERE).socket()).isEqualTo("/b");
        assertThat(QuickCall.of(new String[] {"list", "--socket=/b", "-M"}, env, NOWHERE, NOWHERE).socket()).isEqualTo("/b");
        for (String call : new String[] {"", "--version x", "status --help", "status -x", "identify mem0", "--help",
            "--socket", "--socket /a", "--socket /a list --socket /b", "--socket -x status", "lsit", "list --help"}) {
            assertThat(QuickCall.of(split(call), env, NOWHERE, NOWHERE)).as("'%s' is left to picocli", call).isNull();
        }
    }

    @Test
    void theTextOfATextResponseIsCopiedUnescaped() throws Exception {
        StringBuilder every = new StringBuilder("[\n  {\"memdev\":\"mem0\"}\n]\n");
        for (char c = 0; c < 0x20; c++) {
            every.append(c);
        }
        every.append("\"\\/ é ✓ \uD83D\uDE00 end");
        for (String text : new String[] {every.toString(), "", "[\n]\n", "\\", "\"\""}) {
            byte[] line = Json.mapper().writeValueAsBytes(Response.text(IntNode.valueOf(1), text));
            assertThat(QuickCall.text(line)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(QuickCall.text(ascii("{\"id\":1,\"ok\":true,\"text\":\"\\u00e9\\ud83d\\ude00\\/\"}")))
                .isEqualTo("é\uD83D\uDE00/".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":1,\"ok\":true,\"result\":[]}", "{\"id\":2,\"ok\":true,\"text\":\"x\"}",
        "{\"id\":1,\"ok\":false,\"error\":{\"code\":\"BUSY\",\"message\":\"m\"}}", "{\"id\":1,\"ok\":true,\"text\":\"x\"",
        "{\"id\":1,\"ok\":true,\"text\":\"a\\q\"}", "{\"id\":1,\"ok\":true,\"text\":\"a\\u00\"}",
        "{\"id\":1,\"ok\":true,\"text\":\"a\\u00zz\"}", "{\"id\":1,\"ok\":true,\"text\":\"a\",\"b\":\"c\"}",
        "{\"id\":1,\"ok\":true,\"text\":\"a\\\"}", "", "{\"id\":1,\"ok\":true,\"text\":\""})
    void anythingElseIsNotCopied(String line) {
        assertThat(QuickCall.text(ascii(line))).isNull();
    }

    @Test
    void answersThatAreNotTextArePrintedAsPicocliWould() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        JsonNode empty = Json.mapper().createArrayNode();
        assertThat(QuickAnswers.notText(Json.mapper().writeValueAsBytes(Response.success(IntNode.valueOf(1), empty)),
                "cxlctl list", o, e)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[\n]\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("  Warning: no matching devices found\n\n");
        err.reset();
        assertThat(QuickAnswers.notText(Json.mapper().writeValueAsBytes(Response.failure(IntNode.valueOf(1),
                dev.cxld.protocol.ErrorCode.BUSY, "too many connections from uid 1000 (64)")), "cxlctl status", o, e))
                .isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("cxlctl status: too many connections from uid 1000 (64)\n");
        err.reset();
        assertThat(QuickAnswers.notText(ascii("garbage"), "cxlctl status", o, e)).isEqualTo(ExitCodes.INTERNAL);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("cxlctl status: cxld answered with a line that is not a response");
        err.reset();
        assertThat(QuickAnswers.notText(ascii("{\"id\":1,\"ok\":true}"), "cxlctl status", o, e)).isEqualTo(ExitCodes.INTERNAL);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("neither a result nor an error");
    }

    /** Shell-like words: single or double quotes group, a backslash escapes inside double quotes. */
    static String[] split(String call) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < call.length(); i++) {
            char c = call.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < call.length()) {
                    w.append(call.charAt(++i));
                } else {
                    w.append(c);
                }
            } else if (c == ' ') {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else {
                if (w == null) {
                    w = new StringBuilder();
                }
                if (c == '\'' || c == '"') {
                    quote = c;
                } else {
                    w.append(c);
                }
            }
        }
        if (w != null) {
            words.add(w.toString());
        }
        return words.toArray(new String[0]);
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
