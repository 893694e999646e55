package dev.cxld.daemon.list;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cxld.daemon.events.EventBus;
import dev.cxld.daemon.live.Snapshots;
import dev.cxld.daemon.sysfs.AttributeWatch;
import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.Json;
import dev.cxld.protocol.JsonText;
import dev.cxld.protocol.ListParams;
import dev.cxld.protocol.MemdevDetails;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's rendered listings: made once per snapshot and parameters, never stale. */
class ListingTest {
    static final MemdevDetails NONE = new MemdevDetails(false, false, false, false);
    static final ListParams VV = new ListParams(false, false, false, false, false, false, false, false, false, false, 2,
            null, null, null, null, null, null, null);

    @TempDir Path tmp;
    AttributeWatch watch;

    @AfterEach
    void close() {
        if (watch != null) {
            watch.close();
        }
    }

    @Test
    void aRepeatedQueryIsALookupUntilSomethingChanges() throws Exception {
        Path sys = SysfsFixtures.installLive("ram3-pending", tmp, 1);
        watch = AttributeWatch.open();
        Snapshots snapshots = new Snapshots(new CxlSysfs(sys, watch), Clock.systemUTC(), new EventBus(Clock.systemUTC()),
                true, watch);
        Listing listing = new Listing(snapshots, null);

        JsonNode first = listing.rendered(VV, NONE);
        assertThat(Json.mapper().writeValueAsString(first))
                .as("the rendered text is the listing itself")
                .isEqualTo(Json.mapper().writeValueAsString(listing.list(VV, NONE)));
        assertThat(listing.rendered(VV, NONE)).as("nothing changed: the same rendering").isSameAs(first);
        assertThat(listing.rendered(ListParams.none(), NONE)).as("other parameters, their own rendering")
                .isNotSameAs(first);
        String printed = listing.renderedText(VV, NONE);
        assertThat(printed).as("as text: what cxlctl prints").isEqualTo(JsonText.pretty(listing.list(VV, NONE)));
        assertThat(listing.renderedText(VV, NONE)).isSameAs(printed);

        String region = snapshots.current().topology().regions().stream().filter(r -> !r.committed()).findFirst()
                .orElseThrow().region();
        Files.writeString(sys.resolve("bus/cxl/devices/" + region).toRealPath().resolve("commit"), "1\n");
        JsonNode after = listing.rendered(VV, NONE);
        assertThat(after).isNotSameAs(first);
        assertThat(listing.renderedText(VV, NONE)).as("the text too is made again")
                .isEqualTo(JsonText.pretty(listing.list(VV, NONE))).isNotEqualTo(printed);
        String text = Json.mapper().writeValueAsString(after);
        assertThat(text).isEqualTo(Json.mapper().writeValueAsString(listing.list(VV, NONE)))
                .isNotEqualTo(Json.mapper().writeValueAsString(first));
    }
}
