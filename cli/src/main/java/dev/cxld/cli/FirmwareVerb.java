package dev.cxld.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.MemdevDetails;
import dev.cxld.protocol.Request;
import dev.cxld.protocol.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ndctl's {@code cxl update-firmware}: the image goes to cxld in 32 KiB pieces, which hands them
 * to the kernel's firmware loader of each memdev; the device then takes it in the background.
 * With {@code --wait}, until the device is done; with {@code --cancel}, an update is cancelled.
 */
@Command(name = "update-firmware", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Update the firmware of memdevs (ndctl's cxl update-firmware): the image (-F) goes through cxld"
                + " to the kernel's firmware loader of each memdev, which transfers it to the device and stages it in the"
                + " background (the new firmware runs after activation or reset). Prints each memdev as cxl list -F does."
                + " Needs root or cxld's admin group."},
        footer = {"", "Examples:", "  cxlctl update-firmware -F image.bin --wait mem0",
            "  cxlctl update-firmware --cancel mem0"})
final class FirmwareVerb extends MailboxVerbs.Printing {
    /** Bytes of image per request: 32 KiB, 43 KiB as base64, under cxld's 64 KiB request limit. */
    static final int PIECE = 32 * 1024;

    @Option(names = {"-F", "--firmware-file"}, paramLabel = "FILE", description = "the firmware image")
    Path file;

    @Option(names = {"-w", "--wait"}, description = "wait until the device has taken the image")
    boolean waitDone;

    @Option(names = {"-c", "--cancel"}, description = "cancel an update in progress")
    boolean cancel;

    private byte[] image;

    @Override
    MemdevDetails details() {
        return new MemdevDetails(false, false, true, false);
    }

    @Override
    boolean prepare() {
        super.prepare();
        if (file != null && !cancel) {
            try {
                image = Files.readAllBytes(file);
            } catch (IOException e) {
                log.log("cxl_memdev_update_fw", "failed to open: " + file + ": (" + e.getMessage() + ")");
                return false;
            }
        }
        return true;
    }

    @Override
    boolean action(String memdev) throws IOException {
        if (cancel) {
            return request(Request.FIRMWARE_CANCEL, Json.mapper().createObjectNode().put("memdev", memdev),
                    "action_update_fw").ok();
        }
        boolean ok = true;
        if (image != null) {
            for (int done = 0; ; done += PIECE) {
                int n = Math.min(PIECE, image.length - done);
                boolean last = done + n >= image.length;
                ObjectNode args = Json.mapper().createObjectNode().put("memdev", memdev).put("offset", done)
                        .put("data", Base64.getEncoder().encodeToString(Arrays.copyOfRange(image, done, done + n)))
                        .put("last", last);
                if (!request(Request.FIRMWARE_UPLOAD, args, "action_update_fw").ok()) {
                    ok = false;
                    break;
                }
                if (last) {
                    break;
                }
            }
        }
        if (ok && waitDone) {
            while (inProgress(memdev)) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        print(memdev);
        return ok;
    }

    /** Whether cxl list -F says an update of {@code memdev} is in progress or has bytes left. */
    private boolean inProgress(String memdev) throws IOException {
        ListParams p = RegionCommands.params(true, false, false, false, true, false, memdev, null, null, null);
        ObjectNode args = Json.mapper().valueToTree(p);
        args.setAll((ObjectNode) Json.mapper().valueToTree(details()));
        Response r = parent.client().call(Request.LIST, args);
        JsonNode m = r.ok() && r.result().isArray() && r.result().size() > 0 ? r.result().get(0) : null;
        JsonNode fw = m == null ? null : m.get("firmware");
        return fw != null && (fw.path("fw_update_in_progress").asBoolean(false) || fw.path("remaining_size").asLong(0) > 0);
    }

    @Override
    void finish() {
        if (!cancel) {
            super.finish();
        }
    }

    @Override
    String summary(int count) {
        return "firmware update " + (cancel ? "cancelled" : waitDone ? "completed" : "started") + " on "
                + NdctlStyle.plural(count, "mem device");
    }

    @Override
    String function() {
        return "cmd_update_fw";
    }
}
