package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.Numbers;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * ndctl v84+'s {@code cxl inject-media-poison} and {@code clear-media-poison}: one memdev, one
 * device physical address, through cxld and the kernel's CXL debugfs.
 */
final class PoisonVerbs {
    private PoisonVerbs() {}

    abstract static class PoisonVerb implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Parameters(paramLabel = "MEMDEV", description = "the memdev: memN, N, or its host device (0000:35:00.0)")
        String memdev;

        @Option(names = {"-a", "--address"}, paramLabel = "DPA", required = true,
                description = "device physical address, decimal or 0x hexadecimal")
        String address;

        abstract boolean inject();

        @Override
        public Integer call() throws IOException {
            String owner = inject() ? "cxl inject-media-poison" : "cxl clear-media-poison";
            String function = inject() ? "inject_poison" : "clear_poison";
            NdctlStyle log = new NdctlStyle(spec.commandLine().getErr(), owner);
            long dpa;
            try {
                dpa = Numbers.typed(address.strip());
            } catch (NumberFormatException e) {
                log.log(function, "invalid address: " + address);
                return NdctlStyle.EXIT_FAILURE;
            }
            String name = resolve(memdev);
            if (name == null) {
                log.log(function, "no memdev matches " + memdev);
                return NdctlStyle.EXIT_FAILURE;
            }
            ObjectNode args = Json.mapper().createObjectNode().put("memdev", name).put("address", dpa);
            Response r = parent.client().call(inject() ? Request.INJECT_POISON : Request.CLEAR_POISON, args);
            if (!r.ok()) {
                log.log(function, r.error().message());
                return NdctlStyle.EXIT_FAILURE;
            }
            spec.commandLine().getOut().println("poison " + (inject() ? "inject" : "clear") + " at " + name + ":"
                    + address.strip());
            spec.commandLine().getOut().flush();
            return 0;
        }

        /** The memdev a name, number or host device names, as cxl list -m matches it (host also). */
        private String resolve(String ident) throws IOException {
            for (var m : RegionCommands.list(parent.client(), RegionCommands.params(true, false, false, false, true,
                    false, null, null, null, null))) {
                String name = m.path("memdev").asText();
                if (name.equals(ident) || ("mem" + ident).equals(name) || ident.equals(m.path("host").asText())) {
                    return name;
                }
            }
            return null;
        }
    }

    @Command(name = "inject-media-poison", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Inject poison at a device physical address of a memdev (ndctl's cxl inject-media-poison),"
                    + " through the kernel's CXL debugfs (cxl/memN/inject_poison). Reads of that memory then fail:"
                    + " this is for testing error handling. Memdevs that support it list \"poison_injectable\":true."
                    + " Needs root or cxld's admin group."},
            footer = {"", "Example:", "  cxlctl inject-media-poison mem0 -a 0x1000", "  cxlctl list -m mem0 --media-errors"})
    static final class Inject extends PoisonVerb {
        @Override
        boolean inject() {
            return true;
        }
    }

    @Command(name = "clear-media-poison", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Clear poison at a device physical address of a memdev (ndctl's cxl clear-media-poison),"
                    + " through the kernel's CXL debugfs (cxl/memN/clear_poison). Needs root or cxld's admin group."},
            footer = {"", "Example:", "  cxlctl clear-media-poison mem0 -a 0x1000"})
    static final class Clear extends PoisonVerb {
        @Override
        boolean inject() {
            return false;
        }
    }
}
