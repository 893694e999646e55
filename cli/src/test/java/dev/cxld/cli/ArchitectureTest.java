package dev.cxld.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.cxld.daemon.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** cxlctl talks to cxld through the protocol only: no daemon classes, no native code. */
class ArchitectureTest {
    static final JavaClasses CLI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.cxld.cli");

    @Test
    void theClassesAreThere() {
        assertThat(CLI.contain(CxlCtl.class)).isTrue();
    }

    @Test
    void theCliUsesOnlyTheProtocol() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.cxld.daemon..", "com.sun.jna..", "org.slf4j..")
                .because("cli -> protocol <- cxld: cxlctl shares nothing with the daemon but the wire records")
                .check(CLI);
    }

    @Test
    void numbersAreParsedInOnePlace() {
        ArchitectureRules.numbersAreParsedOnlyByTheValueParser().check(CLI);
    }

    @Test
    void onlyMainExits() {
        ArchitectureRules.onlyMainExits().check(CLI);
    }
}
