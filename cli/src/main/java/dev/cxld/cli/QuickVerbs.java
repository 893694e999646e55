package dev.cxld.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verbs of ndctl's that its scripts call by the hundred (create-, destroy-, enable-,
 * disable-region; enable-, disable-memdev; enable-, disable-port; disable-bus) read without
 * picocli and run by {@link NdctlEngine} without Jackson: in a guest under software emulation each
 * call then costs about what {@code cxlctl list} does (1.3 s) instead of 3-4 s. Their options are
 * read in the forms ndctl's parser takes ({@code -f}, {@code -fe}, {@code -d X}, {@code -dX},
 * {@code --decoder X}, {@code --decoder=X}); help, an unknown or repeated option, a value starting
 * with {@code -}, or a missing argument go to picocli, which has the messages for them.
 * CxlCtlTest holds both readers to the same options.
 */
final class QuickVerbs {
    /** A verb's options: short letter to long name, for values and for flags; whether it needs an argument. */
    record Spec(Map<Character, String> values, Map<Character, String> flags, Set<String> longOnly, boolean needsArgs) {}

    static final Map<String, Spec> SPECS = new HashMap<>();

    static {
        Map<Character, String> regionValues = Map.of('b', "bus", 'd', "decoder");
        SPECS.put("create-region", new Spec(Map.of('d', "decoder", 'b', "bus", 't', "type", 's', "size", 'w', "ways",
                'g', "granularity", 'U', "uuid"), Map.of('m', "memdevs", 'Q', "enforce-qos", 'u', "human"),
                Set.of("debug"), false));
        SPECS.put("destroy-region", new Spec(regionValues, Map.of('f', "force"), Set.of("debug"), true));
        SPECS.put("enable-region", new Spec(regionValues, Map.of(), Set.of("debug"), true));
        SPECS.put("disable-region", new Spec(regionValues, Map.of('f', "force"), Set.of("debug"), true));
        SPECS.put("enable-memdev", new Spec(Map.of('b', "bus"), Map.of('S', "serial", 'v', "verbose"), Set.of("json"), true));
        SPECS.put("disable-memdev", new Spec(Map.of('b', "bus"), Map.of('S', "serial", 'v', "verbose", 'f', "force"),
                Set.of("json"), true));
        SPECS.put("enable-port", new Spec(Map.of(), Map.of('e', "endpoint", 'm', "enable-memdevs"), Set.of("debug"), true));
        SPECS.put("disable-port", new Spec(Map.of(), Map.of('e', "endpoint", 'f', "force"), Set.of("debug"), true));
        SPECS.put("disable-bus", new Spec(Map.of(), Map.of('f', "force"), Set.of("debug"), true));
    }

    private QuickVerbs() {}

    /** The options of {@code args[from..]} for {@code verb}, or null when picocli should read them. */
    static NdctlEngine.Opts parse(String verb, String[] args, int from) {
        Spec spec = SPECS.get(verb);
        if (spec == null) {
            return null;
        }
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positional = new ArrayList<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return null;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = a.substring(2, eq < 0 ? a.length() : eq);
                if (spec.values().containsValue(name)) {
                    String v = eq >= 0 ? a.substring(eq + 1) : i + 1 < args.length ? args[++i] : null;
                    if (v == null || v.startsWith("-") || v.isEmpty() || values.put(name, v) != null) {
                        return null;
                    }
                } else if ((spec.flags().containsValue(name) || spec.longOnly().contains(name)) && eq < 0) {
                    if (!flags.add(name)) {
                        return null;
                    }
                } else {
                    return null;
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    String flag = spec.flags().get(c);
                    String value = spec.values().get(c);
                    if (flag != null) {
                        if (!flags.add(flag)) {
                            return null;
                        }
                    } else if (value != null) {
                        String v = k + 1 < a.length() ? a.substring(k + 1) : i + 1 < args.length ? args[++i] : null;
                        if (v == null || v.startsWith("-") || v.isEmpty() || values.put(value, v) != null) {
                            return null;
                        }
                        break;
                    } else {
                        return null;
                    }
                }
            } else {
                positional.add(a);
            }
        }
        if (spec.needsArgs() && positional.isEmpty()) {
            return null;
        }
        return new NdctlEngine.Opts(values, flags, positional);
    }

    /**
     * Runs the quick call {@code args} make, or returns null when picocli should take them.
     * {@code env} gives CXLD_SOCKET.
     */
    static Integer run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        QuickCall.Leading lead = QuickCall.Leading.of(args);
        int i = lead.next();
        String socket = lead.socket();
        if (i >= args.length || (socket != null && (socket.isEmpty() || socket.startsWith("-")))) {
            return null;
        }
        String verb = args[i];
        NdctlEngine.Opts o = parse(verb, args, i + 1);
        if (o == null) {
            return null;
        }
        socket = QuickCall.socket(socket, env);
        PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), false);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), false);
        try (QuickClient c = new QuickClient(Path.of(socket))) {
            return new NdctlEngine(c, w, e).run(verb, o);
        } catch (DaemonClient.UnreachableException x) {
            e.println("cxlctl " + verb + ": " + x.getMessage());
            return ExitCodes.UNREACHABLE;
        } catch (IOException x) {
            e.println("cxlctl " + verb + ": " + x.getMessage());
            return ExitCodes.INTERNAL;
        } finally {
            w.flush();
            e.flush();
        }
    }
}
