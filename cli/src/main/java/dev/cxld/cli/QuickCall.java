package dev.cxld.cli;

import dev.cxld.protocol.ProjectVersion;
import dev.cxld.protocol.SocketPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The calls scripts make most, answered without picocli or Jackson: {@code cxlctl --version},
 * {@code cxlctl status} and {@code cxlctl list} with options {@link QuickListArgs} reads. The
 * request is written by hand, cxld renders the answer as the text cxlctl prints
 * ({@code "format":"text"}), and this copies it out. Start-up is then the JVM's and little more.
 * Every call it does not take (help, errors in the arguments, other verbs) goes to picocli
 * unchanged, and so does every answer that is not a plain success (an error, an older cxld): their
 * messages and exit codes are picocli's and {@link ExitCodes}', one implementation of each.
 */
final class QuickCall {
    /** The response line of a successful text request, up to its text. */
    private static final byte[] TEXT_PREFIX = "{\"id\":1,\"ok\":true,\"text\":\"".getBytes(StandardCharsets.US_ASCII);
    /** The text ndctl and cxlctl print for an empty listing. */
    static final String EMPTY_LIST = "[\n]\n";
    /** What they print on stderr after it, byte for byte ndctl's, for scripts that match on it. */
    static final String NO_MATCHES = "  Warning: no matching devices found\n\n";

    private final String verb;
    private final String socket;
    private final String request;
    private final PrintStream out;
    private final PrintStream err;

    private QuickCall(String verb, String socket, String request, PrintStream out, PrintStream err) {
        this.verb = verb;
        this.socket = socket;
        this.request = request;
        this.out = out;
        this.err = err;
    }

    /**
     * The quick call {@code args} make, or null when picocli should take them. {@code env} gives
     * {@code CXLD_SOCKET}.
     */
    static QuickCall of(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Leading lead = Leading.of(args);
        int i = lead.next();
        String socket = lead.socket();
        if (socket != null && (socket.isEmpty() || socket.startsWith("-") || socket.startsWith("@"))) {
            return null;
        }
        if (i + 1 != args.length && !(i < args.length && args[i].equals("list"))) {
            return null;
        }
        if (i >= args.length) {
            return null;
        }
        switch (args[i]) {
            case "--version":
            case "-V":
                return new QuickCall("--version", null, null, out, err);
            case "status":
                return new QuickCall("status", socket(socket, env), "{\"id\":1,\"op\":\"status\",\"format\":\"text\"}\n",
                        out, err);
            case "list":
                QuickListArgs.Parsed p = QuickListArgs.parse(args, i + 1, socket);
                return p == null ? null : new QuickCall("list", socket(p.socket(), env), listRequest(p), out, err);
            default:
                return null;
        }
    }

    /** The socket a call names, else $CXLD_SOCKET, else the default (as picocli's --socket default). */
    /** A leading {@code --socket PATH} or {@code --socket=PATH}: the path (null: none) and where the verb is. */
    record Leading(String socket, int next) {
        static Leading of(String[] args) {
            if (args.length > 1 && args[0].equals("--socket")) {
                return new Leading(args[1], 2);
            }
            if (args.length > 0 && args[0].startsWith("--socket=")) {
                return new Leading(args[0].substring("--socket=".length()), 1);
            }
            return new Leading(null, 0);
        }
    }

    static String socket(String given, Map<String, String> env) {
        if (given != null) {
            return given;
        }
        String named = env.get(SocketPath.ENVIRONMENT);
        return named != null && !named.isEmpty() ? named : SocketPath.DEFAULT;
    }

    /** The request {@code cxlctl list} sends through picocli, written by hand (CxlCtlTest compares them). */
    static String listRequest(QuickListArgs.Parsed p) {
        StringBuilder b = new StringBuilder("{\"id\":1,\"op\":\"list\",\"format\":\"text\",\"args\":{");
        var l = p.params();
        flag(b, "memdevs", l.memdevs());
        flag(b, "buses", l.buses());
        flag(b, "ports", l.ports());
        flag(b, "endpoints", l.endpoints());
        flag(b, "decoders", l.decoders());
        flag(b, "regions", l.regions());
        flag(b, "targets", l.targets());
        flag(b, "idle", l.idle());
        flag(b, "human", l.human());
        flag(b, "single", l.single());
        if (l.verbose() > 0) {
            comma(b).append("\"verbose\":").append(l.verbose());
        }
        text(b, "memdevFilter", l.memdevFilter());
        text(b, "serialFilter", l.serialFilter());
        text(b, "busFilter", l.busFilter());
        text(b, "portFilter", l.portFilter());
        text(b, "endpointFilter", l.endpointFilter());
        text(b, "decoderFilter", l.decoderFilter());
        text(b, "regionFilter", l.regionFilter());
        var d = p.details();
        flag(b, "health", d.health());
        flag(b, "partition", d.partition());
        flag(b, "firmware", d.firmware());
        flag(b, "alertConfig", d.alertConfig());
        flag(b, "mediaErrors", d.mediaErrors());
        flag(b, "dax", d.dax());
        return b.append("}}\n").toString();
    }

    static void flag(StringBuilder b, String name, boolean on) {
        if (on) {
            comma(b).append('"').append(name).append("\":true");
        }
    }

    static void text(StringBuilder b, String name, String value) {
        if (value == null) {
            return;
        }
        comma(b).append('"').append(name).append("\":").append(MiniJson.quote(value));
    }

    static StringBuilder comma(StringBuilder b) {
        return b.charAt(b.length() - 1) == '{' ? b : b.append(',');
    }

    /** Runs the call; returns the exit code. */
    int run() {
        if (request == null) {
            out.println("cxlctl " + ProjectVersion.get());
            out.flush();
            return ExitCodes.OK;
        }
        byte[] line;
        try {
            line = exchange();
        } catch (DaemonClient.UnreachableException e) {
            err.println("cxlctl " + verb + ": " + e.getMessage());
            return ExitCodes.UNREACHABLE;
        }
        byte[] text = text(line);
        if (text == null) {
            return QuickAnswers.notText(line, "cxlctl " + verb, out, err);
        }
        out.write(text, 0, text.length);
        out.flush();
        if (verb.equals("list") && java.util.Arrays.equals(text, EMPTY_LIST.getBytes(StandardCharsets.US_ASCII))) {
            err.print(NO_MATCHES);
            err.flush();
        }
        return ExitCodes.OK;
    }

    private byte[] exchange() throws DaemonClient.UnreachableException {
        Path path = Path.of(socket);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                throw DaemonClient.UnreachableException.connecting(path, e);
            }
            ByteBuffer req = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (req.hasRemaining()) {
                ch.write(req);
            }
            return line(java.nio.channels.Channels.newInputStream(ch), path);
        } catch (DaemonClient.UnreachableException e) {
            throw e;
        } catch (IOException e) {
            throw DaemonClient.UnreachableException.lost(path, e);
        }
    }

    /** One response line, without its newline. */
    private static byte[] line(InputStream in, Path socket) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(1 << 16);
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            int nl = -1;
            for (int k = 0; k < n; k++) {
                if (buf[k] == '\n') {
                    nl = k;
                    break;
                }
            }
            b.write(buf, 0, nl < 0 ? n : nl);
            if (nl >= 0) {
                return b.toByteArray();
            }
        }
        throw DaemonClient.UnreachableException.hungUp(socket);
    }

    /** The text of a successful text response, unescaped, as UTF-8; null for any other line. */
    static byte[] text(byte[] line) {
        int end = line.length - 2;
        if (line.length < TEXT_PREFIX.length + 2 || line[end] != '"' || line[end + 1] != '}') {
            return null;
        }
        for (int k = 0; k < TEXT_PREFIX.length; k++) {
            if (line[k] != TEXT_PREFIX[k]) {
                return null;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(line.length);
        int k = TEXT_PREFIX.length;
        while (k < end) {
            int run = k;
            while (run < end && line[run] != '\\' && line[run] != '"') {
                run++;
            }
            out.write(line, k, run - k);
            if (run == end) {
                break;
            }
            if (line[run] == '"' || run + 1 >= end) {
                return null; // the string ended early: not the one-key line expected
            }
            byte e = line[run + 1];
            k = run + 2;
            switch (e) {
                case '"': case '\\': case '/': out.write(e); break;
                case 'n': out.write('\n'); break;
                case 't': out.write('\t'); break;
                case 'r': out.write('\r'); break;
                case 'b': out.write('\b'); break;
                case 'f': out.write('\f'); break;
                case 'u':
                    int unit = hex(line, k, end);
                    if (unit < 0) {
                        return null;
                    }
                    StringBuilder units = new StringBuilder().append((char) unit);
                    k += 4;
                    if (Character.isHighSurrogate((char) unit) && k + 1 < end && line[k] == '\\' && line[k + 1] == 'u'
                            && (unit = hex(line, k + 2, end)) >= 0) {
                        units.append((char) unit);
                        k += 6;
                    }
                    byte[] utf8 = units.toString().getBytes(StandardCharsets.UTF_8);
                    out.write(utf8, 0, utf8.length);
                    break;
                default:
                    return null;
            }
        }
        return out.toByteArray();
    }

    /** The four hex digits at {@code line[k..]} before {@code end}, or -1. */
    private static int hex(byte[] line, int k, int end) {
        if (k + 4 > end) {
            return -1;
        }
        int v = 0;
        for (int j = k; j < k + 4; j++) {
            int d = Character.digit(line[j], 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    /** For tests: where the call goes. */
    String socket() {
        return socket;
    }

    /** For tests: what it sends. */
    String request() {
        return request;
    }
}
