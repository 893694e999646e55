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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cxlctl labels read|write|zero}: the label storage area, as ndctl's read/write/zero-labels. */
@Command(name = "labels", mixinStandardHelpOptions = true,
        description = "Read, write or zero a memdev's label storage area (LSA) through the mailbox (Get LSA,"
                + " Set LSA, chunked by the device's payload size). Writing needs root or cxld's admin group, and"
                + " is refused while the kernel's cxl_pmem driver holds the labels through its nvdimm (unload it"
                + " first: modprobe -r cxl_pmem, with no pmem region in use).",
        subcommands = {LabelsCommand.Read.class, LabelsCommand.Write.class, LabelsCommand.Zero.class})
final class LabelsCommand implements Runnable {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing command: read, write or zero.");
    }

    abstract static class Verb implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand LabelsCommand labels;

        @Parameters(paramLabel = "MEMDEV", description = "the memdev (mem0)")
        String memdev;

        @Option(names = {"-O", "--offset"}, paramLabel = "BYTES", description = "offset into the label area (default 0)")
        long offset;

        Integer call(String op, ObjectNode args, java.util.function.Function<Response, Integer> done) throws IOException {
            if (offset < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--offset must not be negative");
            }
            args.put("memdev", memdev).put("offset", offset);
            Response r = labels.parent.client().call(op, args);
            if (!r.ok()) {
                spec.commandLine().getErr().println("cxlctl labels: " + r.error().message());
                return ExitCodes.of(r.error().code());
            }
            return done.apply(r);
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true,
            description = "Write the label area's bytes to a file (-o) or stdout.",
            footer = {"", "Example:", "  cxlctl labels read mem0 -o mem0.lsa"})
    static final class Read extends Verb {
        @Option(names = {"-s", "--size"}, paramLabel = "BYTES", description = "bytes to read (default: to the end)")
        Long size;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "file to write (default: stdout)")
        Path output;

        @Override
        public Integer call() throws IOException {
            ObjectNode args = Json.mapper().createObjectNode();
            if (size != null) {
                args.put("length", size);
            }
            return call(Request.LABELS_READ, args, r -> {
                byte[] data = Base64.getDecoder().decode(r.result().get("data").asText());
                try {
                    if (output != null) {
                        Files.write(output, data);
                        spec.commandLine().getErr().println("cxlctl labels read: " + data.length + " bytes of "
                                + memdev + " to " + output);
                    } else {
                        OutputStream out = System.out;
                        out.write(data);
                        out.flush();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "write", mixinStandardHelpOptions = true,
            description = "Write a file (-i) or stdin into the label area.",
            footer = {"", "Example:", "  cxlctl labels write mem0 -i mem0.lsa"})
    static final class Write extends Verb {
        @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "file to read (default: stdin)")
        Path input;

        @Override
        public Integer call() throws IOException {
            byte[] data;
            if (input != null) {
                data = Files.readAllBytes(input);
            } else {
                try (InputStream in = System.in) {
                    data = in.readAllBytes();
                }
            }
            ObjectNode args = Json.mapper().createObjectNode().put("data", Base64.getEncoder().encodeToString(data));
            return call(Request.LABELS_WRITE, args, r -> {
                spec.commandLine().getErr().println("cxlctl labels write: wrote " + data.length + " bytes to " + memdev);
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "zero", mixinStandardHelpOptions = true, description = "Zero the label area (or -s bytes of it).")
    static final class Zero extends Verb {
        @Option(names = {"-s", "--size"}, paramLabel = "BYTES", description = "bytes to zero (default: to the end)")
        Long size;

        @Override
        public Integer call() throws IOException {
            ObjectNode args = Json.mapper().createObjectNode();
            if (size != null) {
                args.put("length", size);
            }
            return call(Request.LABELS_ZERO, args, r -> {
                spec.commandLine().getErr().println("cxlctl labels zero: zeroed " + r.result().get("length").asLong()
                        + " bytes of " + memdev);
                return ExitCodes.OK;
            });
        }
    }
}
