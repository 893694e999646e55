package dev.cxld.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ndctl v85's own CXL test suite ({@code test/cxl-*.sh} with {@code test/common}, read from
 * {@code ../shared/peers/ndctl-v85/test}, never copied) on the kernel's cxl_test mock, with
 * {@code CXL=cxlctl} talking to a cxld in the guest; Debian's ndctl and daxctl for the rest. Each
 * test's result is printed with its time and, when it did not pass, the line it failed at and the
 * end of its log. The expected result of every test is below with the reason for each that does
 * not pass: a test whose result changes, for better or worse, fails this until the table is
 * updated, so no result is hidden and none drifts unnoticed. See test/vm/guest/ndctl-suite.sh.
 */
class NdctlSuiteVmIT {
    /** What each test does here, and why when it does not pass (README "ndctl's CXL suite"). */
    static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("cxl-create-region", "pass");
        EXPECTED.put("cxl-dax-hmem", "skip"); // "cxl_test hmem_test module param not available" (6.12)
        EXPECTED.put("cxl-destroy-region", "pass");
        EXPECTED.put("cxl-elc", "skip"); // "cxl_test extended_linear_cache module param not available" (6.12)
        EXPECTED.put("cxl-events", "pass");
        EXPECTED.put("cxl-features", "skip"); // "no CXL Features Control": no test/fwctl helper, no fwctl in 6.12
        EXPECTED.put("cxl-labels", "pass");
        // 6.12 has no debugfs regionN/inject_poison: the test skips after its parts by memdev and
        // by region DPA, which pass (inject, --media-errors of memdev and region, clear)
        EXPECTED.put("cxl-poison", "skip");
        EXPECTED.put("cxl-qos-class", "pass");
        EXPECTED.put("cxl-region-replay", "skip"); // "test requires decoder registry replay support" (6.12)
        EXPECTED.put("cxl-region-sysfs", "pass");
        EXPECTED.put("cxl-sanitize", "pass");
        EXPECTED.put("cxl-security", "pass");
        EXPECTED.put("cxl-topology", "pass");
        EXPECTED.put("cxl-translate", "skip"); // "test requires cxl_translate kernel module" (6.12)
        EXPECTED.put("cxl-xor-region", "pass");
    }

    @TempDir Path out;

    @Test
    void ndctlsCxlTestsPassWithCxlctlAsCxl() throws Exception {
        Path tests = GuestVm.checkout().resolve("../shared/peers/ndctl-v85/test").normalize();
        if (!Files.isRegularFile(tests.resolve("common"))) {
            org.junit.jupiter.api.Assumptions.assumeFalse(!"true".equals(System.getenv("CI")),
                    "ndctl v85's tests are not at " + tests);
            throw new AssertionError("ndctl v85's tests are not at " + tests + " (../shared/peers/ndctl-v85/test)");
        }
        // ndctl's meson runs cxl-update-firmware only with -Ddestructive=enabled; so does this, with
        // -Dndctl.destructive=true: under software emulation it outlasts meson's 600 s limit
        java.util.List<String> names = new java.util.ArrayList<>(EXPECTED.keySet());
        if (Boolean.getBoolean("ndctl.destructive")) {
            names.add("cxl-update-firmware");
            EXPECTED.put("cxl-update-firmware", "pass");
        }
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("cxlctl", tests.toString()));
        names.forEach(n -> args.add(n + ".sh"));
        GuestVm.Result r = GuestVm.run("cxltest", 1800, out, "test/vm/guest/ndctl-suite.sh", args.toArray(new String[0]));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> got = new TreeMap<>();
        StringBuilder report = new StringBuilder("ndctl v85 CXL suite with CXL=cxlctl:\n");
        for (String line : Files.readAllLines(out.resolve("results.txt"))) {
            String[] f = line.split(" ");
            got.put(f[0], f[1]);
            report.append(String.format("  %-22s %-4s %4s s%s%n", f[0], f[1], f[2],
                    f.length > 3 ? "  (line " + f[3] + ")" : ""));
            if (!f[1].equals("pass")) {
                List<String> log = Files.readAllLines(out.resolve(f[0] + ".log"));
                log.subList(Math.max(0, log.size() - 6), log.size()).forEach(l -> report.append("      | ").append(l).append('\n'));
            }
        }
        System.out.print(report);
        assertThat(got).as(report.toString()).isEqualTo(new TreeMap<>(EXPECTED));
    }
}
