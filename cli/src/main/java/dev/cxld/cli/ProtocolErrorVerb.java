package dev.cxld.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
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

/** ndctl v84+'s {@code cxl inject-protocol-error}: a CXL protocol error into a downstream port, through ACPI EINJ. */
@Command(name = "inject-protocol-error", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Inject a CXL.mem or CXL.cache protocol error into a downstream port (ndctl's cxl"
                + " inject-protocol-error), through ACPI EINJ and the kernel's CXL debugfs. Needs a platform with EINJ for"
                + " CXL and CONFIG_ACPI_APEI_EINJ_CXL. For testing error handling only. Needs root or cxld's admin group."},
        footer = {"", "Example:", "  cxlctl inject-protocol-error 0000:e0:01.1 -p mem -s correctable"})
final class ProtocolErrorVerb implements Callable<Integer> {
    @Spec CommandSpec spec;
    @ParentCommand CxlCtl parent;

    @Parameters(paramLabel = "DPORT", description = "the downstream port, by device name (0000:0e:01.1)")
    String dport;

    @Option(names = {"-p", "--protocol"}, paramLabel = "mem|cache", required = true, description = "the CXL protocol")
    String protocol;

    @Option(names = {"-s", "--severity"}, paramLabel = "SEVERITY", required = true,
            description = "correctable, uncorrectable or fatal")
    String severity;

    @Override
    public Integer call() throws IOException {
        NdctlStyle log = new NdctlStyle(spec.commandLine().getErr(), "cxl inject-protocol-error");
        ObjectNode args = Json.mapper().createObjectNode().put("dport", dport).put("protocol", protocol)
                .put("severity", severity);
        Response r = parent.client().call(Request.INJECT_PROTOCOL_ERROR, args);
        if (!r.ok()) {
            log.log("inject_proto_err", r.error().message());
            return NdctlStyle.EXIT_FAILURE;
        }
        log.log("inject_proto_err", "injected " + protocol + "-" + severity + " protocol error.");
        return 0;
    }
}
