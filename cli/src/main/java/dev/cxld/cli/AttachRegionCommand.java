package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.JsonText;
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

/** {@code cxlctl attach-region} and {@code detach-region}: accelerator handoffs. */
final class AttachRegionCommand {
    private AttachRegionCommand() {}

    static Integer print(CommandSpec spec, String op, Response r, boolean json) {
        if (!r.ok()) {
            spec.commandLine().getErr().println("cxlctl " + op + ": " + r.error().message());
            if (json) {
                spec.commandLine().getOut().print(JsonText.pretty(Json.mapper().valueToTree(r.error())));
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.of(r.error().code());
        }
        spec.commandLine().getOut().print(JsonText.pretty(r.result()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    @Command(name = "attach-region", mixinStandardHelpOptions = true,
            description = "Hand an accelerator runtime the host physical address range of MEMDEV's region, under the"
                    + " rules of the kernel's cxl_memdev_attach_region(): the first endpoint decoder of MEMDEV that"
                    + " has a region decides; that region must be committed and have exactly one target (not"
                    + " interleaved), and not be handed off already. Its memory is then made private, as the kernel's"
                    + " accelerator attach has it: if the region's dax device is System RAM (kmem), cxld offlines its"
                    + " memory blocks, unbinds kmem and binds device_dax, so no byte of the range is left to the page"
                    + " allocator, and the holder maps /dev/daxX.Y (private_memory: device, size, align); a block whose"
                    + " pages cannot be migrated (EBUSY) refuses the attach and every step taken is undone. cxld then"
                    + " guards it: disabling its memdev is"
                    + " refused (LOCKED) until detach-region; if the kernel takes it away anyway (region deleted or"
                    + " reset, memdev or port unbound, range changed), the handoff is revoked and `cxlctl monitor`"
                    + " reports handoff-revoked. Prints one JSON object: memdev, region, decoder, resource, size,"
                    + " hpa_range {start, end (inclusive)}, interleave_ways, mode, dax, locked, holder, since,"
                    + " private_memory {dax, device, size, align, driver_before, offlined, system_ram}. What cxld"
                    + " cannot promise from userspace: the kernel's own lock on the region (regionZ/locked), and that"
                    + " nobody else with root maps /dev/daxX.Y or onlines the memory again."
                    + " Handoffs survive a daemon restart. Needs root or cxld's admin group.",
            footer = {"", "Exit status: 0 handed off; 10 not attachable (the reason names the region and the rule);"
                    + " 7 already handed off (the reason names the holder), or its memory is online and cannot be"
                    + " taken back; 8 the kernel refused a step (the file and errno are named); 4 no such memdev.",
                "", "Example:", "  cxlctl attach-region mem2 --owner my-accelerator | jq .hpa_range"})
    static final class Attach implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Parameters(paramLabel = "MEMDEV", description = "the memdev whose region to take (mem2)")
        String memdev;

        @Option(names = "--owner", paramLabel = "LABEL", description = "a label recorded with the holder (who asked, for what)")
        String owner;

        @Option(names = "--json", description = "on refusal, also print the error object on stdout")
        boolean json;

        @Option(names = "--create", description = "when the memdev has no region, first create a single-target region"
                + " of all its free capacity (the kernel's own TODO), then attach it")
        boolean create;

        @Override
        public Integer call() throws IOException {
            ObjectNode args = Json.mapper().createObjectNode().put("memdev", memdev);
            if (create) {
                args.put("create", true);
            }
            if (owner != null) {
                args.put("owner", owner);
            }
            return print(spec, Request.ATTACH_REGION, parent.client().call(Request.ATTACH_REGION, args), json);
        }
    }

    @Command(name = "detach-region", mixinStandardHelpOptions = true,
            description = "End the handoff of a memdev or region, exactly once: the region is no longer guarded,"
                    + " and its memory goes back to how it was before attach (System RAM again when it was; see"
                    + " --keep-devdax). The answer says which (memory) and any step that could not be undone"
                    + " (restore_errors)."
                    + " A second detach is an error (exit 4) that says the handoff is not there, and why when it"
                    + " was revoked. Needs root or cxld's admin group.",
            footer = {"", "Example:", "  cxlctl detach-region mem2"})
    static final class Detach implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Parameters(paramLabel = "MEMDEV|REGION", description = "the memdev or region of the handoff")
        String target;

        @Option(names = "--keep-devdax", description = "leave the memory private (its dax device bound to device_dax)"
                + " instead of giving it back to System RAM")
        boolean keepDevdax;

        @Option(names = "--json", description = "on refusal, also print the error object on stdout")
        boolean json;

        @Override
        public Integer call() throws IOException {
            ObjectNode args = Json.mapper().createObjectNode().put("target", target);
            if (keepDevdax) {
                args.put("keep_devdax", true);
            }
            return print(spec, Request.DETACH_REGION, parent.client().call(Request.DETACH_REGION, args), json);
        }
    }
}
