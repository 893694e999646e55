package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ndctl's {@code cxl reserve-dpa} and {@code free-dpa}, with their options, output (each memdev
 * as {@code cxl list} prints it, with the decoder it changed under {@code "decoder"}), messages
 * and exit status (cxl/memdev.c), done by cxld.
 */
final class DpaCommands {
    private DpaCommands() {}

    abstract static class DpaVerb extends MemdevVerb {
        @Option(names = {"-d", "--decoder"}, paramLabel = "DECODER",
                description = "the endpoint decoder to use (decoderX.Y, or Y); by default the next in order")
        String decoder;

        @Option(names = {"-t", "--type"}, paramLabel = "ram|pmem", description = "the partition (default: ram, as ndctl's code does)")
        String type;

        @Option(names = {"-f", "--force"}, description = "send requests the kernel is expected to refuse (out of"
                + " order, over capacity), to exercise its checks")
        boolean force;

        private ArrayNode out;
        private boolean human;

        abstract String op();

        abstract Long size();

        @Override
        boolean prepare() {
            out = Json.mapper().createArrayNode();
            human = System.console() != null;
            return true;
        }

        @Override
        boolean action(String memdev) throws IOException {
            ObjectNode args = Json.mapper().createObjectNode().put("memdev", memdev).put("force", force);
            if (type != null) {
                args.put("type", type);
            }
            if (decoder != null) {
                args.put("decoder", decoder);
            }
            if (size() != null) {
                args.put("size", size());
            }
            Response r = request(op(), args, "__reserve_dpa");
            if (!r.ok()) {
                return false;
            }
            ObjectNode m = NdctlStyle.listed(parent.client(), "memdev", memdev, human);
            ObjectNode d = NdctlStyle.listed(parent.client(), "decoder", r.result().path("decoder").asText(), human);
            if (m != null && d != null) {
                m.set("decoder", d);
                out.add(m);
            }
            return true;
        }

        @Override
        void finish() {
            NdctlStyle.printArray(spec.commandLine().getOut(), spec.commandLine().getErr(), out, human);
        }
    }

    @Command(name = "reserve-dpa", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Allocate device physical address space on memdevs (ndctl's cxl reserve-dpa): the next"
                    + " endpoint decoder without DPA gets the partition's mode and the size, as a region's targets"
                    + " need before they are attached. The kernel requires DPA in decoder order; a request out of"
                    + " order is refused unless forced. Prints each memdev as cxl list does, with the decoder under"
                    + " \"decoder\". Needs root or cxld's admin group."},
            footer = {"", "Example:", "  cxlctl reserve-dpa -t pmem -s 256M mem0 mem1"})
    static final class Reserve extends DpaVerb {
        @Option(names = {"-s", "--size"}, paramLabel = "SIZE",
                description = "bytes, with k, m, g, t suffixes (default: all that is free of the type)")
        String size;

        @Override
        String op() {
            return Request.RESERVE_DPA;
        }

        @Override
        Long size() {
            return size == null ? null : RegionCommands.parseSize(spec, size);
        }

        @Override
        String summary(int count) {
            return "reservation completed on " + NdctlStyle.plural(count, "mem device");
        }

        @Override
        String function() {
            return "cmd_reserve_dpa";
        }
    }

    @Command(name = "free-dpa", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Release device physical address space on memdevs (ndctl's cxl free-dpa): the last endpoint"
                    + " decoder that has DPA and decodes no region gets none. The kernel requires DPA to be freed in"
                    + " reverse decoder order; a request out of order is refused unless forced. Needs root or cxld's"
                    + " admin group."},
            footer = {"", "Example:", "  cxlctl free-dpa -t pmem mem0 mem1"})
    static final class Free extends DpaVerb {
        @Override
        String op() {
            return Request.FREE_DPA;
        }

        @Override
        Long size() {
            return null;
        }

        @Override
        String summary(int count) {
            return "reservation release completed on " + NdctlStyle.plural(count, "mem device");
        }

        @Override
        String function() {
            return "cmd_free_dpa";
        }
    }
}
