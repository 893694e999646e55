package dev.cxld.daemon.sysfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.errors.Refusal;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single attributes under an injected root (a captured ram3 tree). */
class SysfsAttributesTest {
    @TempDir Path tmp;
    Path sys;
    SysfsAttributes attributes;

    @BeforeEach
    void setUp() throws IOException {
        sys = SysfsFixtures.install("ram3-committed", tmp);
        attributes = new SysfsAttributes(sys);
    }

    @Test
    void theCapturedPciIdsOfAMemdevsFunction() throws Exception {
        assertThat(attributes.pciFunctionOf("mem2")).contains(new SysfsAttributes.PciFunction(0x8086, 0x0d93));
        java.nio.file.Files.delete(sys.resolve("bus/cxl/devices/mem0").toRealPath().getParent().resolve("vendor"));
        assertThat(attributes.pciFunctionOf("mem0")).as("no vendor: not a PCI function cxld can name").isEmpty();
        assertThat(attributes.pciFunctionOf("mem9")).isEmpty();
    }

    @Test
    void pathsAreBuiltOnlyFromCxlObjectNames() {
        assertThat(attributes.device("region1", "commit")).isEqualTo(sys.resolve("bus/cxl/devices/region1/commit"));
        assertThat(attributes.device("decoder2.0", "dpa_size")).isEqualTo(sys.resolve("bus/cxl/devices/decoder2.0/dpa_size"));
        for (String bad : new String[] {"..", "../mem0", "mem0/..", "sda", "mem", "region1 ", null}) {
            assertThatThrownBy(() -> attributes.device(bad, "commit")).as(String.valueOf(bad)).isInstanceOf(Refusal.class)
                    .satisfies(t -> assertThat(((Refusal) t).error().code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
            assertThatThrownBy(() -> attributes.bind("cxl_mem", bad, "enable")).isInstanceOf(Refusal.class);
        }
    }

    @Test
    void aBindWritesTheDevicesNameToTheDriver() throws IOException {
        Path bind = sys.resolve("bus/cxl/drivers/cxl_mem/bind");
        Files.createDirectories(bind.getParent());
        Files.writeString(bind, "");
        attributes.bind("cxl_mem", "mem1", "enable mem1");
        assertThat(Files.readString(bind)).isEqualTo("mem1");
    }

    @Test
    void readsAndWritesNameTheFileAndTheReason() {
        Path missing = attributes.device("region7", "commit");
        assertThatThrownBy(() -> attributes.read(missing)).isInstanceOf(Refusal.class)
                .hasMessage("read " + missing + ": No such file or directory");
        assertThatThrownBy(() -> attributes.write(missing, "1\n", "commit region7")).isInstanceOf(Refusal.class)
                .satisfies(t -> {
                    Refusal r = (Refusal) t;
                    assertThat(r.error().code()).isEqualTo(ErrorCode.KERNEL_ERROR);
                    assertThat(r.error().errnoName()).isEqualTo("ENOENT");
                    assertThat(r.error().path()).isEqualTo(missing.toString());
                    assertThat(r.getMessage()).startsWith("commit region7: the kernel refused: open " + missing);
                });
        assertThat(attributes.tryWrite(missing, "0\n")).hasValueSatisfying(m -> assertThat(m).contains("ENOENT"));
    }

    @Test
    void theFirmwareLoaderState() throws IOException {
        Path loader = sys.resolve("bus/cxl/devices/mem0").toRealPath().resolve("firmware/mem0");
        assertThat(attributes.firmwareLoader("mem0")).hasValueSatisfying(l -> {
            assertThat(l.status()).isEqualTo("idle");
            assertThat(l.inProgress()).isFalse();
            assertThat(l.remainingSize()).isNull();
        });
        Files.writeString(loader.resolve("status"), "transferring\n");
        Files.writeString(loader.resolve("remaining_size"), "4096\n");
        assertThat(attributes.firmwareLoader("mem0")).hasValueSatisfying(l -> {
            assertThat(l.inProgress()).isTrue();
            assertThat(l.remainingSize()).isEqualTo(4096L);
        });
        Files.writeString(loader.resolve("remaining_size"), "lots\n");
        assertThat(attributes.firmwareLoader("mem0")).as("garbled: no state to report").isEmpty();
        assertThat(attributes.firmwareLoader("mem9")).isEmpty();
    }

    @Test
    void onlyTheKernelsSysfsIsLive() {
        assertThat(SysfsAttributes.isKernelSysfs(sys)).isFalse();
        assertThat(SysfsAttributes.isKernelSysfs(tmp.resolve("nowhere"))).isFalse();
        assertThat(SysfsAttributes.isKernelSysfs(Path.of("/sys"))).as("this machine's /sys").isTrue();
    }
}
