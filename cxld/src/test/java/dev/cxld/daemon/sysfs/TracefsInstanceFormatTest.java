package dev.cxld.daemon.sysfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Which fields a CXL event prints as bare hexadecimal, from the kernel's own formats
 * (events/formats-6.12, captured from the cxl_test guest by test/vm/guest/capture-trace-formats.sh).
 */
class TracefsInstanceFormatTest {
    static final Path FORMATS = Path.of("src/test/resources/events/formats-6.12");

    static String format(String event) throws IOException {
        return Files.readString(FORMATS.resolve(event));
    }

    @Test
    void bareHexConversionsAreFoundAndOthersAreNot() throws IOException {
        assertThat(TracefsInstance.hexFields(format("cxl_dram")))
                .contains("dpa", "hpa", "handle", "related_handle", "nibble_mask")
                .doesNotContain("serial", "channel", "column", "len", "memdev");
        assertThat(TracefsInstance.hexFields(format("cxl_poison"))).as("dpa=0x%llx keeps its 0x").doesNotContain("dpa");
        assertThat(TracefsInstance.hexFields("name: x\nformat:\n")).isEmpty();
    }

    @Test
    void anInstanceReadsTheFormatsOfItsEvents(@org.junit.jupiter.api.io.TempDir Path tracefs) throws IOException {
        Path events = Files.createDirectories(tracefs.resolve("instances/cxld/events/cxl"));
        Files.writeString(events.resolve("enable"), "0\n");
        for (String e : new String[] {"cxl_dram", "cxl_poison"}) {
            Files.createDirectories(events.resolve(e));
            Files.writeString(events.resolve(e).resolve("format"), format(e));
        }
        var hex = TracefsInstance.open(tracefs).hexFields();
        assertThat(hex.keySet()).containsExactlyInAnyOrder("cxl_dram", "cxl_poison");
        assertThat(hex.get("cxl_dram")).contains("dpa");
    }
}
