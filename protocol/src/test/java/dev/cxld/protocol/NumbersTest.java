package dev.cxld.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The one number parser: each notation exactly, everything else refused with the text named. */
class NumbersTest {
    @Test
    void decimal() {
        assertThat(Numbers.decimal("-1")).isEqualTo(-1);
        assertThat(Numbers.decimal("+5")).isEqualTo(5);
        assertThat(Numbers.decimalInt("2147483647")).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> Numbers.decimalInt("2147483648")).hasMessage("\"2147483648\" is not a 32-bit decimal integer");
        assertThatThrownBy(() -> Numbers.decimal("0x10")).hasMessage("\"0x10\" is not a decimal integer");
        assertThatThrownBy(() -> Numbers.decimal(" 1")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> Numbers.decimal(null)).hasMessage("nothing is not a decimal integer");
    }

    @Test
    void unsignedAsTheKernelPrintsIt() {
        assertThat(Numbers.unsigned("0x490000000")).isEqualTo(0x490000000L);
        assertThat(Numbers.unsigned("0x0000000010000000")).isEqualTo(0x10000000L);
        assertThat(Numbers.unsigned("0xffffffffffffffff")).isEqualTo(-1L);
        assertThat(Numbers.unsigned("18446744073709551615")).isEqualTo(-1L);
        assertThat(Numbers.unsigned("010")).as("not octal").isEqualTo(10);
        assertThatThrownBy(() -> Numbers.unsigned("18446744073709551616")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> Numbers.unsigned("0x")).hasMessage("\"\" is not hex digits");
        assertThatThrownBy(() -> Numbers.unsigned("-1")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> Numbers.unsignedHex("1ffffffffffffffff")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void octalAndTyped() {
        assertThat(Numbers.octal("0660")).isEqualTo(0660);
        assertThatThrownBy(() -> Numbers.octal("0680")).hasMessage("\"0680\" is not octal digits");
        assertThat(Numbers.typed("0x20000000")).isEqualTo(0x20000000L);
        assertThat(Numbers.typed("512")).isEqualTo(512);
        assertThatThrownBy(() -> Numbers.typed("1G")).hasMessage("\"1G\" is not a number (decimal, 0x hex or 0 octal)");
    }
}
