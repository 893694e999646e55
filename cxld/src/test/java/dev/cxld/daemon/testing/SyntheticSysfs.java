package dev.cxld.daemon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a large sysfs tree shaped like the captured QEMU ones, for scale tests: one root with a
 * 1 TiB window, {@code bridges} host bridges with {@code perBridge} root ports each, one 512 MiB
 * RAM memdev per root port (serial 0x1000 + n), four decoders per port and endpoint, and a
 * committed single-target 256 MiB region on every {@code regionEvery}-th memdev.
 * Ids: root0; host bridges port1..portB; endpoints follow; memdevs mem0..; regions region0...
 */
public final class SyntheticSysfs {
    public static final long WINDOW_BASE = 0x1000000000L;
    public static final long MIB_256 = 256L << 20;

    private final Path sys;

    private SyntheticSysfs(Path sys) {
        this.sys = sys;
    }

    public static Path write(Path sys, int bridges, int perBridge, int regionEvery) throws IOException {
        new SyntheticSysfs(sys).build(bridges, perBridge, regionEvery);
        return sys;
    }

    private void build(int bridges, int perBridge, int regionEvery) throws IOException {
        String acpi = "devices/platform/ACPI0017:00";
        String root = acpi + "/root0";
        dir(acpi);
        attr(root + "/devtype", "cxl_port");
        link(root + "/uport", "../../ACPI0017:00");
        dir("bus/cxl/drivers/cxl_port");
        devlink("root0", root);
        String window = root + "/decoder0.0";
        attr(window + "/devtype", "cxl_decoder_root");
        attr(window + "/start", hex(WINDOW_BASE));
        attr(window + "/size", hex(1L << 40));
        attr(window + "/interleave_ways", "1");
        attr(window + "/interleave_granularity", "256");
        attr(window + "/locked", "0");
        attr(window + "/cap_ram", "1");
        attr(window + "/cap_pmem", "1");
        attr(window + "/cap_type2", "0");
        attr(window + "/cap_type3", "1");
        attr(window + "/qos_class", "0");
        StringBuilder rootTargets = new StringBuilder();
        devlink("decoder0.0", window);
        int mem = 0;
        int region = 0;
        int nextId = bridges + 1;
        for (int b = 0; b < bridges; b++) {
            int hbId = b + 1;
            String hbPci = String.format("pci0000:%02x", 0x10 + b);
            String acpiHb = "devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0016:" + String.format("%02x", b);
            dir(acpiHb);
            dir("devices/" + hbPci);
            link("devices/" + hbPci + "/firmware_node", "../LNXSYSTM:00/LNXSYBUS:00/ACPI0016:" + String.format("%02x", b));
            link(root + "/dport" + (100 + b), "../../../" + hbPci);
            rootTargets.append(rootTargets.length() == 0 ? "" : ",").append(100 + b);
            String hb = root + "/port" + hbId;
            attr(hb + "/devtype", "cxl_port");
            attr(hb + "/decoders_committed", "0");
            link(hb + "/uport", "../../../../" + hbPci);
            link(hb + "/parent_dport", "../../../../" + hbPci);
            link(hb + "/driver", "../../../../../bus/cxl/drivers/cxl_port");
            devlink("port" + hbId, hb);
            for (int d = 0; d < 4; d++) {
                String dec = hb + "/decoder" + hbId + "." + d;
                attr(dec + "/devtype", "cxl_decoder_switch");
                attr(dec + "/size", "0x0");
                attr(dec + "/interleave_ways", "1");
                attr(dec + "/interleave_granularity", "256");
                attr(dec + "/locked", "0");
                attr(dec + "/target_type", "expander");
                attr(dec + "/target_list", "0");
                attr(dec + "/region", "");
                devlink("decoder" + hbId + "." + d, dec);
            }
            for (int rp = 0; rp < perBridge; rp++) {
                String rpPci = hbPci + "/" + String.format("%04x:%02x:%02x.%d", 0, 0x10 + b, rp / 8, rp % 8);
                dir("devices/" + rpPci);
                link(hb + "/dport" + rp, "../../../../" + rpPci);
                String ep = hb + "/endpoint" + nextId;
                String memName = "mem" + mem;
                String memPath = rpPci + "/0000:" + String.format("%02x", 0x80 + b) + ":" + String.format("%02x", rp) + ".0/" + memName;
                attr(ep + "/devtype", "cxl_port");
                link(ep + "/uport", rel(ep, "devices/" + memPath));
                link(ep + "/parent_dport", rel(ep, "devices/" + rpPci));
                link(ep + "/driver", rel(ep, "bus/cxl/drivers/cxl_port"));
                devlink("endpoint" + nextId, ep);
                attr("devices/" + memPath + "/serial", hex(0x1000L + mem));
                attr("devices/" + memPath + "/ram/size", hex(512L << 20));
                attr("devices/" + memPath + "/pmem/size", "0x0");
                attr("devices/" + memPath + "/numa_node", "-1");
                attr("devices/" + memPath + "/firmware_version", "SYNTH 1");
                attr("devices/" + memPath + "/payload_max", "2048");
                attr("devices/" + memPath + "/label_storage_size", "0");
                attr("devices/" + memPath + "/security/state", "disabled");
                link("devices/" + memPath + "/driver", rel("devices/" + memPath, "bus/cxl/drivers/cxl_mem"));
                devlink(memName, "devices/" + memPath);
                boolean withRegion = regionEvery > 0 && mem % regionEvery == 0;
                for (int d = 0; d < 4; d++) {
                    String dec = ep + "/decoder" + nextId + "." + d;
                    boolean used = withRegion && d == 0;
                    long hpa = WINDOW_BASE + region * MIB_256;
                    attr(dec + "/devtype", "cxl_decoder_endpoint");
                    attr(dec + "/start", used ? hex(hpa) : "0x0");
                    attr(dec + "/size", used ? hex(MIB_256) : "0x0");
                    attr(dec + "/interleave_ways", "1");
                    attr(dec + "/interleave_granularity", "256");
                    attr(dec + "/locked", "0");
                    attr(dec + "/target_type", "expander");
                    attr(dec + "/region", used ? "region" + region : "");
                    attr(dec + "/mode", used ? "ram" : "none");
                    attr(dec + "/dpa_resource", used ? "0x0" : "0xffffffffffffffff");
                    attr(dec + "/dpa_size", String.format("0x%016x", used ? MIB_256 : 0));
                    devlink("decoder" + nextId + "." + d, dec);
                }
                if (withRegion) {
                    String r = window + "/region" + region;
                    attr(r + "/devtype", "cxl_region");
                    attr(r + "/resource", hex(WINDOW_BASE + region * MIB_256));
                    attr(r + "/size", hex(MIB_256));
                    attr(r + "/mode", "ram");
                    attr(r + "/interleave_ways", "1");
                    attr(r + "/interleave_granularity", "256");
                    attr(r + "/uuid", "");
                    attr(r + "/commit", "1");
                    attr(r + "/target0", "decoder" + nextId + ".0");
                    link(r + "/driver", rel(r, "bus/cxl/drivers/cxl_region"));
                    devlink("region" + region, r);
                    region++;
                }
                nextId++;
                mem++;
            }
        }
        attr(window + "/target_list", rootTargets.toString());
        dir("bus/cxl/drivers/cxl_mem");
        dir("bus/cxl/drivers/cxl_region");
    }

    private static String hex(long v) {
        return v == 0 ? "0x0" : "0x" + Long.toHexString(v);
    }

    /** A relative link target from the directory {@code fromDir} to {@code to} (both under sys). */
    private static String rel(String fromDir, String to) {
        return Path.of(fromDir).relativize(Path.of(to)).toString();
    }

    private void devlink(String name, String target) throws IOException {
        link("bus/cxl/devices/" + name, "../../../" + target);
    }

    private void dir(String rel) throws IOException {
        Files.createDirectories(sys.resolve(rel));
    }

    private void attr(String rel, String value) throws IOException {
        Path p = sys.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, value + "\n");
    }

    private void link(String rel, String target) throws IOException {
        Path p = sys.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(target));
    }
}
