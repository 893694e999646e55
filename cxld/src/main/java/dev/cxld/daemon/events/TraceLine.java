package dev.cxld.daemon.events;

import dev.cxld.protocol.Numbers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Event;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of a tracefs {@code trace_pipe}, e.g.
 * {@code kworker/1:2-95 [001] ..... 42.123456: cxl_poison: memdev=mem0 host=0000:0d:00.0 ... dpa=0x40 source=Injected}
 * as a trace event: the tracepoint, where and when it fired, and its {@code key=value} fields
 * ({@code 'quoted values'} may hold spaces; the " : " separators of longer events are skipped).
 * Decimal values become numbers, and so do the values of fields the event's print format writes as
 * bare hexadecimal ({@code dpa=%llx} prints 0x8000 as "8000"), read as hexadecimal; everything
 * else stays text, as the kernel printed it.
 */
public final class TraceLine {
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(?<task>.+?)-(?<pid>\\d+)\\s+(?:\\(\\s*[\\d-]+\\)\\s+)?\\[(?<cpu>\\d+)\\]\\s+(?:\\S{4,5}\\s+)?"
                    + "(?<ts>\\d+\\.\\d+):\\s+(?<event>\\w+):\\s?(?<rest>.*)$");
    private static final Pattern OVERFLOW = Pattern.compile(" (\\d+) records from (\\d+) to (\\d+)");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,18}");

    private TraceLine() {}

    public static Optional<Event> parse(String line) {
        return parse(line, java.util.Map.of());
    }

    /** {@link #parse(String)}, {@code hexFields} naming each event's fields printed as bare hexadecimal. */
    public static Optional<Event> parse(String line, java.util.Map<String, java.util.Set<String>> hexFields) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        ObjectNode fields = fields(m.group("rest"), hexFields.getOrDefault(m.group("event"), java.util.Set.of()));
        Matcher overflow = OVERFLOW.matcher(m.group("rest"));
        if (m.group("event").equals("cxl_overflow") && overflow.find()) {
            // "%u records from %llu to %llu": the one CXL event with fields not written as key=value
            fields.put("count", Numbers.decimal(overflow.group(1)));
            fields.put("first_ts", new java.math.BigInteger(overflow.group(2)));
            fields.put("last_ts", new java.math.BigInteger(overflow.group(3)));
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("timestamp", m.group("ts"));
        data.put("cpu", Numbers.decimalInt(m.group("cpu")));
        data.put("pid", Numbers.decimal(m.group("pid")));
        data.put("task", m.group("task").strip());
        data.set("fields", fields);
        String memdev = fields.hasNonNull("memdev") ? fields.get("memdev").asText() : null;
        return Optional.of(new Event(0, null, Event.TRACE, m.group("event"), null, memdev, data));
    }

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{1,16}");

    static ObjectNode fields(String rest, java.util.Set<String> hex) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        int i = 0;
        int n = rest.length();
        while (i < n) {
            while (i < n && rest.charAt(i) == ' ') {
                i++;
            }
            int keyStart = i;
            while (i < n && rest.charAt(i) != '=' && rest.charAt(i) != ' ') {
                i++;
            }
            if (i >= n || rest.charAt(i) != '=') {
                continue; // a word without '=' (a " : " separator): skip it
            }
            String key = rest.substring(keyStart, i);
            i++;
            String value;
            if (i < n && rest.charAt(i) == '\'') {
                int end = rest.indexOf('\'', i + 1);
                end = end < 0 ? n : end;
                value = rest.substring(i + 1, end);
                i = Math.min(n, end + 1);
            } else {
                int end = rest.indexOf(' ', i);
                end = end < 0 ? n : end;
                value = rest.substring(i, end);
                if (value.endsWith(":")) {
                    value = value.substring(0, value.length() - 1); // "serial=%lld: log=%s": a separator, not the value's
                }
                i = end;
            }
            if (!key.isEmpty()) {
                if (hex.contains(key) && HEX.matcher(value).matches()) {
                    java.math.BigInteger v = new java.math.BigInteger(value, 16);
                    if (v.bitLength() < 64) {
                        out.put(key, v.longValue());
                    } else {
                        out.put(key, v); // above Long.MAX_VALUE (an hpa of all ones): the number still
                    }
                } else if (DECIMAL.matcher(value).matches()) {
                    out.put(key, Numbers.decimal(value));
                } else {
                    out.put(key, value);
                }
            }
        }
        return out;
    }
}
