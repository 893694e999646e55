package dev.cxld.daemon.list;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.mailbox.MemdevCommands;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.MemdevDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code list} operation: ndctl's {@code cxl list} walk over a fresh snapshot and, when asked
 * ({@code -H -I -F -A}, {@code -vvv}), each listed memdev's mailbox details. Plain listing never
 * opens a mailbox.
 */
public final class Listing {
    private static final Logger LOG = LoggerFactory.getLogger(Listing.class);

    private final Snapshots snapshots;
    private final MemdevCommands mailbox;

    public Listing(Snapshots snapshots, MemdevCommands mailbox) {
        this.snapshots = snapshots;
        this.mailbox = mailbox;
    }

    /**
     * The listing for {@code params} as given (the walk applies ndctl's defaults itself);
     * INVALID_ARGUMENT for options ndctl would refuse.
     */
    public JsonNode list(ListParams params, MemdevDetails asked) {
        try {
            params.resolve();
        } catch (IllegalArgumentException e) {
            throw new Refusal(dev.cxld.protocol.ErrorCode.INVALID_ARGUMENT, "list: " + e.getMessage());
        }
        MemdevDetails details = asked.withVerbosity(params.verbose());
        JsonNode out = ListWalk.list(snapshots.fresh().topology(), params);
        if (details.any()) {
            MailboxKeys.add(out, m -> {
                try {
                    return mailbox.listDetails(m, details.partition(), details.health(), details.firmware(),
                            details.alertConfig());
                } catch (Refusal r) {
                    // a memdev whose mailbox cannot be reached lists without the details, as in ndctl
                    LOG.info("list: no mailbox details for {}: {}", m, r.getMessage());
                    return Json.mapper().createObjectNode();
                }
            }, params.human());
        }
        return out;
    }
}
