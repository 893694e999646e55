package dev.cxld.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cxld.daemon.policy.AcceleratorRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CxldConfigTest {
    @TempDir Path tmp;

    static OptionalLong users(String name) {
        return name.equals("accel") ? OptionalLong.of(1234) : OptionalLong.empty();
    }

    Path conf(String text) throws Exception {
        Path f = tmp.resolve("cxld.conf");
        Files.writeString(f, text);
        return f;
    }

    CxldConfig load(String text) throws Exception {
        return CxldConfig.load(conf(text), true, CxldConfigTest::users);
    }

    String error(String text) {
        return assertThatThrownBy(() -> load(text)).isInstanceOf(ConfigException.class).actual().getMessage();
    }

    @Test
    void anAcceleratorByItsSerialAndOneByItsPciId() throws Exception {
        CxldConfig c = load("# accelerators\n\n[accelerator accel0]\nserial = 0x100\nholder = sfc runtime\n"
                + "create-region = yes\nuser = accel\n\n; another\n[accelerator gpu]\npci = 8086:0D93\n");
        Path f = tmp.resolve("cxld.conf");
        assertThat(c.files()).containsExactly(f);
        assertThat(c.accelerators()).containsExactly(
                new AcceleratorRule("accel0", f + ":3", 0x100L, null, "sfc runtime", true, 1234L, "accel"),
                new AcceleratorRule("gpu", f + ":10", null, new AcceleratorRule.PciId(0x8086, 0x0d93), "gpu", false, null,
                        null));
        assertThat(c.accelerators().get(1).describeMatch()).isEqualTo("pci 8086:0d93");
        assertThat(load("[accelerator a]\nserial=256\npci=1b36:0d93\nuser = 0\n").accelerators().get(0))
                .satisfies(r -> {
                    assertThat(r.describeMatch()).isEqualTo("serial 0x100 and pci 1b36:0d93");
                    assertThat(r.grantUid()).isEqualTo(0L);
                });
    }

    @Test
    void dropInsAreReadInNameOrderAndAddToOrReplaceWhatCameBefore() throws Exception {
        Path main = conf("[accelerator accel0]\nserial = 0x100\nholder = first\n");
        Path d = Files.createDirectory(tmp.resolve("cxld.conf.d"));
        Files.writeString(d.resolve("20-holder.conf"), "[accelerator accel0]\nholder = second\n");
        Files.writeString(d.resolve("10-more.conf"), "[accelerator accel1]\nserial = 0x101\n");
        Files.writeString(d.resolve("README"), "not read: [garbage");
        CxldConfig c = CxldConfig.load(main, true, CxldConfigTest::users);
        assertThat(c.files()).containsExactly(main, d.resolve("10-more.conf"), d.resolve("20-holder.conf"));
        assertThat(c.accelerators()).extracting(AcceleratorRule::name, AcceleratorRule::holder, AcceleratorRule::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("accel0", "second", main + ":1"),
                        org.assertj.core.groups.Tuple.tuple("accel1", "accel1", d.resolve("10-more.conf") + ":1"));
    }

    @Test
    void withoutFilesThereIsNoPolicyUnlessAFileWasNamed() throws Exception {
        Path absent = tmp.resolve("etc/cxld/cxld.conf");
        assertThat(CxldConfig.load(absent, false, CxldConfigTest::users)).isEqualTo(CxldConfig.none());
        assertThatThrownBy(() -> CxldConfig.load(absent, true, CxldConfigTest::users))
                .hasMessage(absent + ": no such file");
    }

    @Test
    void everyErrorNamesTheFileTheLineAndTheReason() throws Exception {
        String f = tmp.resolve("cxld.conf").toString();
        assertThat(error("serial = 1\n")).isEqualTo(f + ":1: serial is set outside any section; put it under one,"
                + " e.g. [accelerator accel0]");
        assertThat(error("[accelerator a]\nserial 0x100\n")).isEqualTo(f + ":2: \"serial 0x100\" is not a setting:"
                + " write key = value");
        assertThat(error("\n[accelerator a\n")).startsWith(f + ":2: \"[accelerator a\" is not a section header");
        assertThat(error("[accelerator a/b]\nserial=1\n")).startsWith(f + ":1: \"a/b\" is not a section name");
        assertThat(error("[policy]\nfoo = 1\n")).isEqualTo(f + ":1: unknown section [policy]; cxld knows"
                + " [daemon] and [accelerator NAME]");
        assertThat(error("[daemon x]\nfoo = 1\n")).isEqualTo(f + ":1: [daemon x]: the daemon section has no name;"
                + " write [daemon]");
        assertThat(error("[accelerator]\nserial = 1\n")).isEqualTo(f + ":1: [accelerator] needs a name:"
                + " [accelerator NAME]");
        assertThat(error("[accelerator a]\nserial = 1\ncolor = red\n")).isEqualTo(f + ":3: unknown key color in"
                + " [accelerator a]; known: create-region, holder, pci, serial, user");
        assertThat(error("[accelerator a]\nserial = 0xZZ\n")).isEqualTo(f + ":2: serial: \"ZZ\" is not hex digits"
                + " (a number: 0x100 or 256)");
        assertThat(error("[accelerator a]\npci = 8086-0d93\n")).startsWith(f + ":2: pci: \"8086-0d93\" is not"
                + " VENDOR:DEVICE in hex");
        assertThat(error("[accelerator a]\nholder = x\n")).isEqualTo(f + ":1: [accelerator a] names no memdev: set"
                + " serial (memN/serial), pci (VENDOR:DEVICE) or both");
        assertThat(error("[accelerator a]\nserial = 1\ncreate-region = maybe\n")).isEqualTo(f + ":3: create-region:"
                + " \"maybe\" is not yes or no");
        assertThat(error("[accelerator a]\nserial = 1\nuser = nosuchuser\n")).isEqualTo(f + ":3: user: no user"
                + " \"nosuchuser\" on this host");
        assertThat(error("[accelerator a]\nserial = 1\nserial = 2\n")).isEqualTo(f + ":3: serial is set twice in"
                + " [accelerator a]; it was set at " + f + ":2");
        assertThat(error("[accelerator a]\nserial = 1\n[accelerator a]\n")).startsWith(f + ":3: [accelerator a]"
                + " again; it was declared at " + f + ":1");
        assertThat(error("[accelerator a]\nserial = 1\n[accelerator b]\nserial = 0x1\n")).isEqualTo(f + ":3:"
                + " accelerator b names the same memdevs (serial 0x1) as accelerator a at " + f + ":1");
        assertThat(error("[accelerator a]\nserial = 1\nholder = " + "x".repeat(65) + "\n"))
                .startsWith(f + ":3: holder: 1 to 64 printable characters");
    }

    @Test
    void anUnreadableFileIsNamed() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("cxld.conf")); // a directory where the file should be
        assertThatThrownBy(() -> CxldConfig.load(dir, true, CxldConfigTest::users))
                .hasMessageStartingWith(dir + ": cannot read it: ");
    }
}
