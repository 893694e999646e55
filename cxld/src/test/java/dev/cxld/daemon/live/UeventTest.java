package dev.cxld.daemon.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing the kernel's own messages, captured in a guest while a region was made and deleted. */
class UeventTest {
    /** events/uevents.bin: each message prefixed by its length in 4 hex digits and a newline. */
    static List<byte[]> captured() throws IOException {
        byte[] all;
        try (InputStream in = UeventTest.class.getResourceAsStream("/events/uevents.bin")) {
            all = in.readAllBytes();
        }
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < all.length;) {
            int n = Integer.parseInt(new String(all, i, 4, StandardCharsets.US_ASCII), 16);
            out.add(Arrays.copyOfRange(all, i + 5, i + 5 + n));
            i += 5 + n;
        }
        return out;
    }

    @Test
    void everyCapturedMessageParses() throws IOException {
        List<Uevent> events = new ArrayList<>();
        for (byte[] m : captured()) {
            events.add(Uevent.parse(m).orElseThrow(() -> new AssertionError(new String(m, StandardCharsets.UTF_8))));
        }
        Uevent first = events.get(0);
        assertThat(first.action()).isEqualTo("add");
        assertThat(first.subsystem()).isEqualTo("cxl");
        assertThat(first.devpath()).isEqualTo("/devices/platform/ACPI0017:00/root0/decoder0.0/region0");
        assertThat(first.deviceName()).isEqualTo("region0");
        assertThat(first.env()).containsEntry("DEVTYPE", "cxl_region").containsEntry("MODALIAS", "cxl:t6");
        // numbers rise by one: the kernel counts every uevent
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).seqnum()).isGreaterThan(events.get(i - 1).seqnum());
        }
        assertThat(events).anyMatch(u -> u.subsystem().equals("dax") && u.deviceName().equals("dax0.0"));
        assertThat(events).anyMatch(u -> u.action().equals("bind") && u.deviceName().equals("region0"));
        assertThat(events).anyMatch(u -> u.action().equals("remove") && u.deviceName().equals("region0"));
    }

    @Test
    void whatIsNotAKernelUeventIsRefused() {
        assertThat(Uevent.parse("libudev\0garbage".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(Uevent.parse("add@/x\0ACTION=add\0DEVPATH=/x\0SEQNUM=abc\0".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(Uevent.parse("add@/x\0ACTION=add\0DEVPATH=/x\0".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(Uevent.parse(new byte[0])).isEmpty();
    }
}
