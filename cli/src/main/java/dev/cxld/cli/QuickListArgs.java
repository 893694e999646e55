package dev.cxld.cli;

import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.MemdevDetails;

/**
 * {@code cxlctl list}'s arguments read without picocli, for the quick path ({@link QuickCall}):
 * the options of {@link dev.cxld.protocol.ListOptions} in the forms scripts use ({@code -M -R},
 * {@code -MRTu}, {@code -vv}, {@code -m mem0}, {@code -mmem0}, {@code --memdev mem0},
 * {@code --memdev=mem0}, {@code --socket PATH}). Anything else (help, an unknown or repeated
 * option, a positional argument, a value that starts with {@code -}, {@code @} or {@code =}, options
 * ndctl would refuse together) is not read here: {@link #parse} returns null and picocli reads the
 * call, with its messages. CxlCtlTest holds both readers to the same answers.
 */
final class QuickListArgs {
    /** The short flags and, at the same index, their long names; {@code v} counts. */
    static final String FLAGS = "MBPEDRTSiuHIFALXv";
    static final String[] FLAG_NAMES = {"--memdevs", "--buses", "--ports", "--endpoints", "--decoders", "--regions",
        "--targets", "--single", "--idle", "--human", "--health", "--partition", "--firmware", "--alert-config",
        "--media-errors", "--dax", "--verbose"};
    /** The short options that take a value (a filter) and their long names. */
    static final String VALUED = "msbpedr";
    static final String[] VALUED_NAMES = {"--memdev", "--serial", "--bus", "--port", "--endpoint", "--decoder",
        "--region"};
    private static final int VERBOSE = FLAGS.indexOf('v');

    /** What the arguments ask: the list, its mailbox details, and the socket if they name one. */
    record Parsed(ListParams params, MemdevDetails details, String socket) {}

    private final boolean[] flags = new boolean[FLAGS.length()];
    private final String[] values = new String[VALUED.length()];
    private int verbose;
    private String socket;

    private QuickListArgs() {}

    /**
     * {@code args[from..]} as list options, with {@code socket} already given before the verb (or
     * null); null when picocli should read them.
     */
    static Parsed parse(String[] args, int from, String socket) {
        QuickListArgs q = new QuickListArgs();
        q.socket = socket;
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            int consumed = a.startsWith("--") ? q.longOption(args, i) : a.startsWith("-") && a.length() > 1
                    ? q.shortOptions(args, i) : -1;
            if (consumed < 0) {
                return null;
            }
            i += consumed;
        }
        ListParams params = new ListParams(q.flags[0], q.flags[1], q.flags[2], q.flags[3], q.flags[4], q.flags[5],
                q.flags[6], q.flags[8], q.flags[9], q.flags[7], q.verbose, q.values[0], q.values[1], q.values[2],
                q.values[3], q.values[4], q.values[5], q.values[6]);
        try {
            params.resolve();
        } catch (IllegalArgumentException e) {
            return null; // picocli reports it as a usage error
        }
        return new Parsed(params, new MemdevDetails(q.flags[10], q.flags[11], q.flags[12], q.flags[13], q.flags[14],
                q.flags[15]),
                q.socket);
    }

    /** How many arguments after {@code args[i]} it used, or -1. */
    private int longOption(String[] args, int i) {
        String a = args[i];
        int eq = a.indexOf('=');
        String name = eq < 0 ? a : a.substring(0, eq);
        if (name.equals("--socket")) {
            if (socket != null) {
                return -1;
            }
            return eq < 0 ? (i + 1 < args.length && (socket = value(args[i + 1])) != null ? 1 : -1)
                    : (socket = value(a.substring(eq + 1))) != null ? 0 : -1;
        }
        for (int f = 0; f < FLAG_NAMES.length; f++) {
            if (FLAG_NAMES[f].equals(name)) {
                return eq < 0 && flag(f) ? 0 : -1;
            }
        }
        for (int v = 0; v < VALUED_NAMES.length; v++) {
            if (VALUED_NAMES[v].equals(name)) {
                String value = eq < 0 ? (i + 1 < args.length ? args[i + 1] : null) : a.substring(eq + 1);
                return set(v, value) ? (eq < 0 ? 1 : 0) : -1;
            }
        }
        return -1;
    }

    /** A cluster of short options, the last of which may take a value (attached, or the next argument). */
    private int shortOptions(String[] args, int i) {
        String a = args[i];
        for (int k = 1; k < a.length(); k++) {
            char c = a.charAt(k);
            int f = FLAGS.indexOf(c);
            if (f >= 0) {
                if (!flag(f)) {
                    return -1;
                }
                continue;
            }
            int v = VALUED.indexOf(c);
            if (v < 0) {
                return -1;
            }
            if (k + 1 < a.length()) {
                return set(v, a.substring(k + 1)) ? 0 : -1;
            }
            return i + 1 < args.length && set(v, args[i + 1]) ? 1 : -1;
        }
        return 0;
    }

    private boolean flag(int f) {
        if (f == VERBOSE) {
            verbose++;
            return true;
        }
        if (flags[f]) {
            return false; // picocli refuses a repeated option
        }
        flags[f] = true;
        return true;
    }

    private boolean set(int v, String value) {
        if (values[v] != null || value(value) == null) {
            return false;
        }
        values[v] = value;
        return true;
    }

    /** {@code value} when it cannot be read as anything but a value, else null. */
    private static String value(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        char c = value.charAt(0);
        return c == '-' || c == '@' || c == '=' ? null : value;
    }
}
