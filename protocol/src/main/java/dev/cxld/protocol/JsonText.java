package dev.cxld.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON text the way ndctl prints it (json-c's {@code JSON_C_TO_STRING_PRETTY}): two-space
 * indentation, {@code "key":value} without a space, one element per line, a final newline; an
 * empty array is {@code [} and {@code ]} on two lines. Scripts that diff or grep ndctl's output
 * see the same text.
 */
public final class JsonText {
    private JsonText() {}

    public static String pretty(JsonNode node) {
        StringBuilder b = new StringBuilder();
        write(b, node, 0);
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, JsonNode node, int indent) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                b.append("{\n").append(" ".repeat(indent)).append('}');
                return;
            }
            b.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                b.append(" ".repeat(indent + 2)).append(new TextNode(e.getKey())).append(':');
                write(b, e.getValue(), indent + 2);
                b.append(it.hasNext() ? ",\n" : "\n");
            }
            b.append(" ".repeat(indent)).append('}');
        } else if (node.isArray()) {
            b.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                b.append(" ".repeat(indent + 2));
                write(b, node.get(i), indent + 2);
                b.append(i + 1 < node.size() ? ",\n" : "\n");
            }
            b.append(" ".repeat(indent)).append(']');
        } else {
            b.append(node.toString());
        }
    }
}
