package dev.cxld.daemon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.cxld.daemon.testing.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The daemon's architecture, as the README's "Layout" describes it, held by the build:
 * {@code Main/Daemon -> server -> services -> policy (pure) and sysfs/nativeio (IO) -> protocol},
 * with {@code errors} a leaf every layer may use. Checked on the main classes of cxld and protocol.
 */
class ArchitectureTest {
    static final String SERVICES_CONTROL = "dev.cxld.daemon.control..";
    static final String[] SERVICES = {SERVICES_CONTROL, "dev.cxld.daemon.handoff..", "dev.cxld.daemon.mailbox..",
        "dev.cxld.daemon.list..", "dev.cxld.daemon.events..", "dev.cxld.daemon.live..", "dev.cxld.daemon.metrics..",
        "dev.cxld.daemon.state.."};

    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cxld.daemon", "dev.cxld.protocol");

    @Test
    void theClassesAreThere() {
        // a rule over no classes passes whatever it says: make sure the import found the code
        org.assertj.core.api.Assertions.assertThat(MAIN.stream().map(c -> c.getPackageName()).distinct())
                .contains("dev.cxld.daemon", "dev.cxld.daemon.server", "dev.cxld.daemon.sysfs",
                        "dev.cxld.daemon.nativeio", "dev.cxld.daemon.policy", "dev.cxld.protocol.model");
    }

    @Test
    void dependenciesPointOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Entry").definedBy("dev.cxld.daemon", "dev.cxld.daemon.command..", "dev.cxld.daemon.config..")
                .layer("Server").definedBy("dev.cxld.daemon.server..")
                .layer("Services").definedBy(SERVICES)
                .layer("Policy").definedBy("dev.cxld.daemon.policy..")
                .layer("IO").definedBy("dev.cxld.daemon.sysfs..", "dev.cxld.daemon.nativeio..")
                .layer("Errors").definedBy("dev.cxld.daemon.errors..")
                .layer("Protocol").definedBy("dev.cxld.protocol..")
                .whereLayer("Entry").mayNotBeAccessedByAnyLayer()
                .whereLayer("Server").mayOnlyBeAccessedByLayers("Entry")
                .whereLayer("Services").mayOnlyBeAccessedByLayers("Entry", "Server")
                .whereLayer("Policy").mayOnlyBeAccessedByLayers("Entry", "Server", "Services")
                .whereLayer("IO").mayOnlyBeAccessedByLayers("Entry", "Server", "Services")
                .whereLayer("Errors").mayOnlyBeAccessedByLayers("Entry", "Server", "Services", "Policy", "IO")
                .check(MAIN);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.cxld.daemon.(*)..").should().beFreeOfCycles().check(MAIN);
        slices().matching("dev.cxld.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theProtocolKnowsNothingOfTheDaemon() {
        noClasses().that().resideInAPackage("dev.cxld.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cxld.daemon..", "dev.cxld.cli..", "com.sun.jna..")
                .check(MAIN);
    }

    @Test
    void jnaOnlyInNativeio() {
        noClasses().that().resideOutsideOfPackage("dev.cxld.daemon.nativeio..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
                .because("all native access goes through dev.cxld.daemon.nativeio")
                .check(MAIN);
    }

    @Test
    void picocliOnlyInTheCommandLineLayer() {
        noClasses().that().resideInAnyPackage(SERVICES).or().resideInAnyPackage("dev.cxld.daemon.server..",
                        "dev.cxld.daemon.policy..", "dev.cxld.daemon.sysfs..", "dev.cxld.daemon.nativeio..",
                        "dev.cxld.daemon.errors..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .because("command lines are parsed in Main and dev.cxld.daemon.command only")
                .check(MAIN);
    }

    @Test
    void thePolicyIsPure() {
        classes().that().resideInAPackage("dev.cxld.daemon.policy..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.cxld.daemon.policy..",
                        "dev.cxld.protocol.model..", "java.lang", "java.lang.invoke", "java.util..")
                .because("the attach policy is a function of a snapshot: no IO, clock, threads or logging")
                .check(MAIN);
        noClasses().that().resideInAPackage("dev.cxld.daemon.policy..")
                .should().dependOnClassesThat().belongToAnyOf(System.class, Thread.class, Runtime.class,
                        ProcessBuilder.class, java.util.concurrent.ThreadLocalRandom.class, java.util.Random.class)
                .check(MAIN);
    }

    @Test
    void sysfsIsTouchedOnlyBySysfs() {
        // writes go through SysfsAttributes (one write(2) via nativeio); nothing else writes attributes
        noClasses().that().resideOutsideOfPackages("dev.cxld.daemon.sysfs..", "dev.cxld.daemon.nativeio..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.cxld.daemon.nativeio.NativeFiles")
                .check(MAIN);
    }

    @Test
    void numbersAreParsedInOnePlace() {
        ArchitectureRules.numbersAreParsedOnlyByTheValueParser().check(MAIN);
    }

    @Test
    void onlyMainExits() {
        ArchitectureRules.onlyMainExits().check(MAIN);
    }
}
