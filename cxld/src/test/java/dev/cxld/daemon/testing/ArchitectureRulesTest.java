package dev.cxld.daemon.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.cxld.protocol.Numbers;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The shared rules catch what they are meant to: a rule that never fails proves nothing. */
class ArchitectureRulesTest {
    static final class ParsesByHand {
        long call(String s) {
            return Long.parseLong(s);
        }

        int radix(String s) {
            return Integer.parseInt(s, 16);
        }

        final Function<String, Long> reference = Long::valueOf;

        void leave() {
            System.exit(3);
        }
    }

    static final class Proper {
        long call(String s) {
            return Numbers.decimal(s);
        }

        Long boxed(long v) {
            return Long.valueOf(v); // not parsing: allowed
        }

        public static void main(String[] args) {
            System.exit(0);
        }
    }

    static final JavaClasses BAD = new ClassFileImporter().importClasses(ParsesByHand.class);
    static final JavaClasses GOOD = new ClassFileImporter().importClasses(Proper.class);

    @Test
    void parsingByHandIsCaughtInCallsAndMethodReferences() {
        assertThatThrownBy(() -> ArchitectureRules.numbersAreParsedOnlyByTheValueParser().check(BAD))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Long.parseLong(java.lang.String)")
                .hasMessageContaining("Integer.parseInt(java.lang.String, int)")
                .hasMessageContaining("Long.valueOf(java.lang.String)");
        assertThatCode(() -> ArchitectureRules.numbersAreParsedOnlyByTheValueParser().check(GOOD)).doesNotThrowAnyException();
    }

    @Test
    void exitingOutsideMainIsCaught() {
        assertThatThrownBy(() -> ArchitectureRules.onlyMainExits().check(BAD)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("leave()").hasMessageContaining("System.exit(int)");
        assertThatCode(() -> ArchitectureRules.onlyMainExits().check(GOOD)).doesNotThrowAnyException();
    }
}
