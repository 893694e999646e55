package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cxlctl attach-region} and {@code detach-region}: accelerator handoffs. */
final class AttachRegionCommand {
    private AttachRegionCommand() {}

    /** How cxld ended a lease, from its event: {@code handoff-revoked (region region1 was deleted)}. */
    static String ending(com.fasterxml.jackson.databind.JsonNode event) {
        return event.path("event").asText()
                + (event.path("data").has("reason") ? " (" + event.path("data").path("reason").asText() + ")" : "");
    }

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
                    + " A handoff is durable (it survives a daemon restart, until detach-region or revocation) unless"
                    + " leased: --lease holds it for as long as this cxlctl runs (its connection: stop cxlctl, or kill"
                    + " it, and the handoff is released, exactly once; it prints the handoff, then the line of its"
                    + " end if cxld ends it first: handoff-revoked, or handoff-released when detached by force),"
                    + " --pid for as long as a process lives (cxld looks once a second; a pid reused later does not"
                    + " count). A lease ends with the cxld that held its connection: a restarted cxld releases"
                    + " connection leases, and process leases whose process is gone, at start. Needs root or cxld's"
                    + " admin group. Without any request, cxld does the same for the memdevs its configuration names"
                    + " ([accelerator NAME] in /etc/cxld/cxld.conf, by serial or PCI vendor:device) when they arrive:"
                    + " at its start, and after enable-memdev or a hotplug, as the kernel's cxl_mem_probe() does;"
                    + " `cxlctl status` (accelerators) says what became of each. Every live handoff is also"
                    + " published as /run/cxld/handoffs/MEMDEV.json.",
            footer = {"", "Exit status: 0 handed off (with --lease: the lease ended by this cxlctl's own wish; with"
                    + " --exec: CMD's own status, 126 when /dev/daxX.Y could not be opened, 127 when CMD could not be run);"
                    + " 10 not attachable (the reason names the region and the rule);"
                    + " 7 already handed off (the reason names the holder), or its memory is online and cannot be"
                    + " taken back; 8 the kernel refused a step (the file and errno are named); 4 no such memdev or"
                    + " process; 11 (--lease, --exec) the handoff was revoked or detached by force while held; 3 (--lease)"
                    + " cxld went away (its successor releases the lease at start).",
                "", "Examples:", "  cxlctl attach-region mem2 --owner my-accelerator | jq .hpa_range",
                "  cxlctl attach-region mem2 --lease > handoff.json &   # held until this cxlctl stops",
                "  cxlctl attach-region mem2 --pid \"$(pidof my-runtime)\"  # held while my-runtime runs",
                "  cxlctl attach-region mem2 --exec my-runtime --device-fd 3  # my-runtime maps fd 3; held while it runs"})
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
                + " of all its free capacity (the kernel's own TODO), then attach it; that region is the handoff's:"
                + " it is destroyed when the handoff ends (detach, lease end, revocation), exactly once, also by a"
                + " cxld that was killed in between (at its next start), and right away if the attach is refused."
                + " A region cxld did not create is never destroyed, only handed back (created_region: true says which)")
        boolean create;

        @Option(names = "--lease", description = "hold the handoff for as long as this cxlctl runs (until it is stopped"
                + " or killed), not durably; prints the handoff, then how it ended if cxld ended it")
        boolean lease;

        @Option(names = "--pid", paramLabel = "PID", description = "hold the handoff for as long as process PID lives")
        Long pid;

        @Option(names = "--exec", paramLabel = "CMD", arity = "1..*", parameterConsumer = Remaining.class,
                description = "run CMD [ARGS...] (everything after --exec) as the holder: a lease that lasts until CMD"
                        + " exits; CMD inherits /dev/daxX.Y open read-write as descriptor 3, which this user may open"
                        + " for the lease (cxld makes it its owner, and gives it back after), with LISTEN_FDS=1,"
                        + " LISTEN_PID, LISTEN_FDNAMES=daxX.Y, CXLD_DAX_FD=3, CXLD_DAX_DEVICE and CXLD_HANDOFF (the"
                        + " handoff JSON) in its environment; cxlctl exits with CMD's status. If cxld ends the lease"
                        + " first, CMD gets SIGTERM (SIGKILL " + LeaseExec.GRACE_SECONDS + " s later) and cxlctl exits 11")
        List<String> exec;

        /** --exec takes every argument after it, options of CMD included. */
        static final class Remaining implements IParameterConsumer {
            @Override
            public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
                if (args.isEmpty()) {
                    throw new picocli.CommandLine.ParameterException(commandSpec.commandLine(),
                            "--exec needs a command: --exec CMD [ARGS...]");
                }
                List<String> command = new ArrayList<>();
                while (!args.isEmpty()) {
                    command.add(args.pop());
                }
                argSpec.setValue(command);
            }
        }

        @Override
        public Integer call() throws IOException {
            if (lease && pid != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--lease (this cxlctl's connection) and --pid (another process) name different holders: give one");
            }
            if (exec != null && pid != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--exec (the command it runs) and --pid (another process) name different holders: give one");
            }
            ObjectNode args = Json.mapper().createObjectNode().put("memdev", memdev);
            if (create) {
                args.put("create", true);
            }
            if (owner != null) {
                args.put("owner", owner);
            }
            if (pid != null) {
                args.put("lease", "process").put("pid", pid);
            }
            if (exec != null) {
                return new LeaseExec(parent.client(), spec.commandLine().getErr()).run(args, exec,
                        refusal -> print(spec, Request.ATTACH_REGION, refusal, json));
            }
            if (!lease) {
                return print(spec, Request.ATTACH_REGION, parent.client().call(Request.ATTACH_REGION, args), json);
            }
            args.put("lease", "connection");
            int[] ended = {-1};
            Response r = parent.client().stream(Request.ATTACH_REGION, args,
                    answer -> print(spec, Request.ATTACH_REGION, answer, json),
                    event -> {
                        spec.commandLine().getOut().println(event.toString());
                        spec.commandLine().getOut().flush();
                        spec.commandLine().getErr().println("cxlctl attach-region: the lease of "
                                + event.path("name").asText() + " ended: " + ending(event));
                        ended[0] = ExitCodes.LEASE_ENDED;
                        return false;
                    });
            if (!r.ok()) {
                return ExitCodes.of(r.error().code());
            }
            if (ended[0] < 0) {
                spec.commandLine().getErr().println("cxlctl attach-region: cxld closed the connection holding the lease of "
                        + memdev + "; the cxld that starts next releases it");
                return ExitCodes.UNREACHABLE;
            }
            return ended[0];
        }
    }

    @Command(name = "detach-region", mixinStandardHelpOptions = true,
            description = "End the handoff of a memdev or region, exactly once: the region is no longer guarded,"
                    + " and its memory goes back to how it was before attach (System RAM again when it was; see"
                    + " --keep-devdax). The answer says which (memory) and any step that could not be undone"
                    + " (restore_errors)."
                    + " A second detach is an error (exit 4) that says the handoff is not there, and why when it"
                    + " was revoked. A leased handoff (attach-region --lease or --pid) is its holder's to end:"
                    + " from anyone else, detach-region needs --force (the holder's connection hears of it)."
                    + " A handoff made by cxld's accelerator policy is not made again until its memdev next"
                    + " arrives (enable-memdev, hotplug) or cxld restarts."
                    + " Needs root or cxld's admin group.",
            footer = {"", "Example:", "  cxlctl detach-region mem2"})
    static final class Detach implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand CxlCtl parent;

        @Parameters(paramLabel = "MEMDEV|REGION", description = "the memdev or region of the handoff")
        String target;

        @Option(names = "--keep-devdax", description = "leave the memory private (its dax device bound to device_dax)"
                + " instead of giving it back to System RAM")
        boolean keepDevdax;

        @Option(names = "--force", description = "end a lease that is not this cxlctl's own (another connection's or"
                + " process's)")
        boolean force;

        @Option(names = "--json", description = "on refusal, also print the error object on stdout")
        boolean json;

        @Override
        public Integer call() throws IOException {
            ObjectNode args = Json.mapper().createObjectNode().put("target", target);
            if (keepDevdax) {
                args.put("keep_devdax", true);
            }
            if (force) {
                args.put("force", true);
            }
            return print(spec, Request.DETACH_REGION, parent.client().call(Request.DETACH_REGION, args), json);
        }
    }
}
