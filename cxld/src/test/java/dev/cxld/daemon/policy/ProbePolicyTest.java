package dev.cxld.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.sysfs.CxlSysfs;
import dev.cxld.daemon.testing.SysfsFixtures;
import dev.cxld.protocol.model.Memdev;
import dev.cxld.protocol.model.Topology;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe-time policy over captured trees: which accelerator a memdev is, and what is done for it. */
class ProbePolicyTest {
    static final AcceleratorRule.PciId QEMU = new AcceleratorRule.PciId(0x8086, 0x0d93);

    @TempDir Path tmp;

    static AcceleratorRule rule(String name, Long serial, AcceleratorRule.PciId pci, boolean create) {
        return new AcceleratorRule(name, "cxld.conf:1", serial, pci, name, create, null, null);
    }

    Topology tree(String fixture) throws Exception {
        return new CxlSysfs(SysfsFixtures.install(fixture, tmp.resolve(fixture))).scan();
    }

    @Test
    void aSerialIsMoreSpecificThanAPciIdAndThePciIdIsReadOnlyWhenARuleNamesOne() throws Exception {
        Topology t = tree("ram3-committed"); // mem2: serial 0x100, mem1: 0x101, mem0: 0x102
        AcceleratorRule any = rule("any", null, QEMU, false);
        AcceleratorRule mem2 = rule("mem2", 0x100L, null, false);
        AcceleratorRule both = rule("both", 0x101L, QEMU, false);
        AtomicInteger reads = new AtomicInteger();
        java.util.function.Function<Memdev, AcceleratorRule.PciId> pci = m -> {
            reads.incrementAndGet();
            return QEMU;
        };
        List<AcceleratorRule> rules = List.of(any, mem2, both);
        assertThat(ProbePolicy.ruleFor(rules, t.memdev("mem2").orElseThrow(), pci)).contains(mem2);
        assertThat(ProbePolicy.ruleFor(rules, t.memdev("mem1").orElseThrow(), pci)).contains(both);
        assertThat(ProbePolicy.ruleFor(rules, t.memdev("mem0").orElseThrow(), pci)).contains(any);
        assertThat(ProbePolicy.ruleFor(List.of(both), t.memdev("mem1").orElseThrow(), m -> null))
                .as("an unknown PCI id matches no pci rule").isEmpty();
        reads.set(0);
        assertThat(ProbePolicy.ruleFor(List.of(mem2), t.memdev("mem0").orElseThrow(), pci)).isEmpty();
        assertThat(reads).as("no rule names a PCI id: none read").hasValue(0);
    }

    @Test
    void whatIsDoneForADesignatedMemdev() throws Exception {
        Topology committed = tree("ram3-committed");
        AcceleratorRule r = rule("a", 0x100L, null, true);
        assertThat(ProbePolicy.decide(r, committed, "mem2", Set.of())).isInstanceOfSatisfying(ProbePolicy.Attach.class,
                a -> assertThat(a.region().region().region()).isEqualTo("region1"));
        assertThat(ProbePolicy.decide(r, committed, "mem0", Set.of())).isInstanceOfSatisfying(ProbePolicy.Degraded.class,
                d -> {
                    assertThat(d.rule()).isEqualTo(AttachPolicy.Rule.INTERLEAVED);
                    assertThat(d.region()).isEqualTo("region0");
                    assertThat(d.reason()).contains("interleaved across 2 targets");
                });
        assertThat(ProbePolicy.decide(r, committed, "mem2", Set.of("region1")))
                .isInstanceOfSatisfying(ProbePolicy.Degraded.class,
                        d -> assertThat(d.rule()).isEqualTo(AttachPolicy.Rule.ALREADY_HANDED_OFF));
        Path sys = SysfsFixtures.install("ram3-committed", tmp.resolve("reset"));
        java.nio.file.Files.writeString(sys.resolve("bus/cxl/devices/region1").toRealPath().resolve("commit"), "0\n");
        assertThat(ProbePolicy.decide(r, new CxlSysfs(sys).scan(), "mem2", Set.of()))
                .isInstanceOfSatisfying(ProbePolicy.Degraded.class, d -> {
                    assertThat(d.rule()).isEqualTo(AttachPolicy.Rule.NOT_COMMITTED);
                    assertThat(d.region()).isEqualTo("region1");
                });
        Topology empty = tree("ram1-empty");
        assertThat(ProbePolicy.decide(r, empty, "mem0", Set.of())).isInstanceOf(ProbePolicy.Create.class);
        assertThat(ProbePolicy.decide(rule("b", 0x100L, null, false), empty, "mem0", Set.of()))
                .isInstanceOfSatisfying(ProbePolicy.Degraded.class, d -> {
                    assertThat(d.rule()).isEqualTo(AttachPolicy.Rule.NO_REGION);
                    assertThat(d.reason()).endsWith(", and accelerator b (cxld.conf:1) does not create one"
                            + " (create-region = no)");
                });
        assertThat(ProbePolicy.decide(r, empty, "mem7", Set.of())).isInstanceOf(ProbePolicy.Wait.class);
    }

    @Test
    void aDisabledMemdevIsWaitedFor() throws Exception {
        Path sys = SysfsFixtures.install("ram1-committed", tmp.resolve("t"));
        java.nio.file.Files.delete(sys.resolve("bus/cxl/devices/mem0").toRealPath().resolve("driver"));
        assertThat(ProbePolicy.decide(rule("a", 0x100L, null, true), new CxlSysfs(sys).scan(), "mem0", Set.of()))
                .isInstanceOfSatisfying(ProbePolicy.Wait.class, w -> assertThat(w.reason()).contains("not enabled"));
    }
}
