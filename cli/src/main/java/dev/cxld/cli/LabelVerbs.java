package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ndctl's {@code cxl read-labels}, {@code write-labels} and {@code zero-labels}, with their options,
 * messages and exit status, on cxld's label operations (Get/Set LSA through the mailbox, chunked by
 * the device's payload size; writes refused while the kernel's cxl_pmem holds the labels).
 */
final class LabelVerbs {
    private LabelVerbs() {}

    abstract static class LabelVerb extends MemdevVerb {
        @Option(names = {"-s", "--size"}, paramLabel = "BYTES", description = "number of label bytes to operate on (default: the whole area)")
        Long size;

        @Option(names = {"-O", "--offset"}, paramLabel = "BYTES", description = "offset into the label area to start at")
        long offset;

        ObjectNode args(String memdev) {
            ObjectNode a = Json.mapper().createObjectNode().put("memdev", memdev).put("offset", offset);
            if (size != null && size > 0) {
                a.put("length", size);
            }
            return a;
        }
    }

    @Command(name = "read-labels", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Read the label storage area of memdevs (ndctl's cxl read-labels), to a file (-o) or stdout,"
                    + " one after another."},
            footer = {"", "Example:", "  cxlctl read-labels mem0 -o mem0.lsa"})
    static final class Read extends LabelVerb {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "file to write the label area to (default: stdout)")
        Path output;

        private OutputStream out;

        @Override
        boolean prepare() throws IOException {
            if (output != null) {
                try {
                    out = Files.newOutputStream(output);
                } catch (IOException e) {
                    log.log("memdev_action", "failed to open: " + output + ": (" + e.getMessage() + ")");
                    return false;
                }
            } else {
                out = System.out;
            }
            return true;
        }

        @Override
        boolean action(String memdev) throws IOException {
            Response r = request(Request.LABELS_READ, args(memdev), "action_read");
            if (!r.ok()) {
                return false;
            }
            out.write(Base64.getDecoder().decode(r.result().get("data").asText()));
            out.flush();
            return true;
        }

        @Override
        void finish() throws IOException {
            if (output != null) {
                out.close();
            }
        }

        @Override
        String summary(int count) {
            return "read " + NdctlStyle.plural(count, "mem");
        }

        @Override
        String function() {
            return "cmd_read_labels";
        }
    }

    @Command(name = "write-labels", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a file (-i) or stdin into the label storage area of one memdev (ndctl's cxl"
                    + " write-labels). Refused while the kernel's cxl_pmem driver holds the labels through its nvdimm."
                    + " Needs root or cxld's admin group."},
            footer = {"", "Example:", "  cxlctl write-labels mem0 -i mem0.lsa"})
    static final class Write extends LabelVerb {
        /** Bytes of label data per request: 32 KiB, 43 KiB as base64. */
        static final int CHUNK = 32 * 1024;

        @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "file to read the label data from (default: stdin)")
        Path input;

        private byte[] data;
        private String single;
        private int matched;

        @Override
        boolean prepare() throws IOException {
            try (InputStream in = input != null ? Files.newInputStream(input) : System.in) {
                data = in.readAllBytes();
            } catch (IOException e) {
                log.log("memdev_action", "failed to open: " + input + ": (" + e.getMessage() + ")");
                return false;
            }
            if (size != null && size > 0) {
                if (data.length < size) {
                    log.log("action_write", "the input holds " + data.length + " bytes, fewer than --size " + size);
                    return false;
                }
                data = java.util.Arrays.copyOf(data, (int) (long) size);
            }
            return true;
        }

        /** ndctl writes one memdev only: the matches are counted first, the write done in finish(). */
        @Override
        boolean action(String memdev) {
            single = memdev;
            matched++;
            return true;
        }

        @Override
        void finish() throws IOException {
            if (matched > 1) {
                spec.commandLine().getErr().println("Error: write-labels only supports writing a single memdev");
                spec.commandLine().usage(spec.commandLine().getErr());
                log.reset();
                log.failed();
                return;
            }
            if (single == null) {
                return;
            }
            // in pieces that keep each request line well under cxld's 64 KiB limit; the mailbox
            // writes the label area in payload-sized pieces anyway
            for (int done = 0; done == 0 || done < data.length; done += CHUNK) {
                int n = Math.min(CHUNK, data.length - done);
                ObjectNode a = args(single);
                a.remove("length");
                a.put("offset", offset + done);
                a.put("data", Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(data, done, done + n)));
                if (!request(Request.LABELS_WRITE, a, "action_write").ok()) {
                    log.reset();
                    log.failed();
                    return;
                }
                if (n == 0) {
                    break;
                }
            }
        }

        @Override
        String summary(int count) {
            return "wrote " + NdctlStyle.plural(count, "mem");
        }

        @Override
        String function() {
            return "cmd_write_labels";
        }
    }

    @Command(name = "zero-labels", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Zero the label storage area of memdevs (ndctl's cxl zero-labels), or --size bytes of it"
                    + " from --offset. Refused while the kernel's cxl_pmem driver holds the labels. Needs root or"
                    + " cxld's admin group."},
            footer = {"", "Example:", "  cxlctl zero-labels mem0 mem1"})
    static final class Zero extends LabelVerb {
        @Override
        boolean action(String memdev) throws IOException {
            return request(Request.LABELS_ZERO, args(memdev), "action_zero").ok();
        }

        @Override
        String summary(int count) {
            return "zeroed " + NdctlStyle.plural(count, "mem");
        }

        @Override
        String function() {
            return "cmd_zero_labels";
        }
    }
}
