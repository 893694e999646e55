package dev.cxld.daemon.sysfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SysfsValuesTest {
    static final Path F = Path.of("/sys/bus/cxl/devices/region0/size");

    @ParameterizedTest
    @CsvSource({
        "'0x490000000\n', 19595788288",     // region resource, %#llx
        "'0x0\n', 0",                       // zero as 6.12 prints it
        "'0\n', 0",                         // zero as C's %#llx prints it
        "'0x0000000010000000\n', 268435456", // dpa_size, %pa
        "'536870912\n', 536870912",         // %zu
        "'0x100', 256",                     // no newline
    })
    void u64(String raw, long want) {
        assertThat(SysfsValues.u64(F, raw)).isEqualTo(want);
    }

    @Test
    void allOnesIsMinusOneBits() {
        assertThat(SysfsValues.u64(F, "0xffffffffffffffff\n")).isEqualTo(-1L);
        assertThat(Long.toUnsignedString(SysfsValues.u64(F, "18446744073709551615\n"))).isEqualTo("18446744073709551615");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "0x", "0x1g", "-1", "+5", "12 34", "0x+1", "0x10000000000000000", "abc\n", "1\n\n"})
    void garbageNamesTheFileAndTheValue(String raw) {
        assertThatThrownBy(() -> SysfsValues.u64(F, raw))
                .isInstanceOf(SysfsFormatException.class)
                .hasMessageStartingWith(F + ": expected an unsigned 64-bit number, found '");
    }

    @Test
    void signedFlagsTextAndLists() {
        assertThat(SysfsValues.s32(F, "-1\n")).isEqualTo(-1);
        assertThat(SysfsValues.flag(F, "1\n")).isTrue();
        assertThat(SysfsValues.flag(F, "0\n")).isFalse();
        assertThatThrownBy(() -> SysfsValues.flag(F, "yes\n")).hasMessageContaining("expected 0 or 1, found 'yes\\n'");
        assertThat(SysfsValues.text(F, "region0\n")).isEqualTo("region0");
        assertThat(SysfsValues.text(F, "\n")).isNull();
        assertThatThrownBy(() -> SysfsValues.text(F, "a\nb\n")).hasMessageContaining("one line of printable text");
        // bytes the kernel does not write there are damage, not a value
        assertThatThrownBy(() -> SysfsValues.text(F, "ram\u0001\n")).hasMessageContaining("one line of printable text");
        assertThatThrownBy(() -> SysfsValues.text(F, "r\ufffdm\n")).hasMessageContaining("one line of printable text");
        assertThat(SysfsValues.text(F, "BWFW VERSION 00\n")).isEqualTo("BWFW VERSION 00");
        assertThat(SysfsValues.idList(F, "2,1\n")).containsExactly(2, 1);
        assertThat(SysfsValues.idList(F, "12\n")).containsExactly(12);
        assertThat(SysfsValues.idList(F, "\n")).isEmpty();
        assertThatThrownBy(() -> SysfsValues.idList(F, "1,,2\n")).isInstanceOf(SysfsFormatException.class);
    }
}
