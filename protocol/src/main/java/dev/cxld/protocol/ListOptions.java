package dev.cxld.protocol;

import picocli.CommandLine.Option;

/**
 * The options of ndctl's {@code cxl list}, once, as a picocli mixin for both {@code cxlctl list}
 * and {@code cxld list}: they become {@link ListParams} and {@link MemdevDetails}. The annotations
 * do nothing without picocli, which is an optional dependency of this module.
 */
public final class ListOptions {
    @Option(names = {"-m", "--memdev"}, paramLabel = "MEMDEVS", description = "filter by memdev name(s) or number(s), e.g. mem0,mem2 or all")
    String memdev;
    @Option(names = {"-s", "--serial"}, paramLabel = "SERIALS", description = "filter by memdev serial number(s), e.g. 0x100")
    String serial;
    @Option(names = {"-b", "--bus"}, paramLabel = "BUSES", description = "filter by bus (root0, 0, provider ACPI.CXL)")
    String bus;
    @Option(names = {"-p", "--port"}, paramLabel = "PORTS", description = "filter by port name or class (root, switch, endpoint); matches descendants unless -S")
    String port;
    @Option(names = {"-e", "--endpoint"}, paramLabel = "ENDPOINTS", description = "filter by endpoint name(s)")
    String endpoint;
    @Option(names = {"-d", "--decoder"}, paramLabel = "DECODERS", description = "filter by decoder name (decoder0.0, 0.0) or class (root, switch, endpoint)")
    String decoder;
    @Option(names = {"-r", "--region"}, paramLabel = "REGIONS", description = "filter by region name(s)")
    String region;
    @Option(names = {"-M", "--memdevs"}, description = "include memdevs")
    boolean memdevs;
    @Option(names = {"-B", "--buses"}, description = "include buses (root ports)")
    boolean buses;
    @Option(names = {"-P", "--ports"}, description = "include switch ports and host bridges")
    boolean ports;
    @Option(names = {"-E", "--endpoints"}, description = "include endpoint ports")
    boolean endpoints;
    @Option(names = {"-D", "--decoders"}, description = "include decoders")
    boolean decoders;
    @Option(names = {"-R", "--regions"}, description = "include regions")
    boolean regions;
    @Option(names = {"-T", "--targets"}, description = "include dports, decoder targets and region mappings")
    boolean targets;
    @Option(names = {"-S", "--single"}, description = "with -p: list the matched port only, not its descendants")
    boolean single;
    @Option(names = {"-i", "--idle"}, description = "include disabled objects and unprogrammed decoders")
    boolean idle;
    @Option(names = {"-u", "--human"}, description = "human-readable sizes and hex ids; a single result as an object")
    boolean human;
    @Option(names = {"-H", "--health"}, description = "add each memdev's health (mailbox Get Health Info)")
    boolean health;
    @Option(names = {"-I", "--partition"}, description = "add each memdev's partition_info (Identify, Get Partition Info)")
    boolean partition;
    @Option(names = {"-F", "--firmware"}, description = "add each memdev's firmware slots (Get FW Info)")
    boolean firmware;
    @Option(names = {"-A", "--alert-config"}, description = "add each memdev's alert_config (Get Alert Configuration)")
    boolean alertConfig;
    @Option(names = {"-L", "--media-errors"}, description = "add each memdev's and region's media_errors (the poison"
            + " list: trigger_poison_list and its cxl_poison trace events)")
    boolean mediaErrors;
    @Option(names = {"-X", "--dax"}, description = "add each region's daxregion (its dax devices: chardev, size,"
            + " target_node, align, mode, memory blocks), as daxctl lists them")
    boolean dax;
    @Option(names = {"-v", "--verbose"}, description = "-v adds -B -P -E -D -T -R; -vv also -i; -vvv also -H -I -F -A -L -X")
    boolean[] verbose = new boolean[0];

    /** What to list (not yet {@link ListParams#resolve() resolved}). */
    public ListParams toParams() {
        return new ListParams(memdevs, buses, ports, endpoints, decoders, regions, targets, idle, human, single,
                verbose.length, memdev, serial, bus, port, endpoint, decoder, region);
    }

    /** The mailbox details asked for, sent beside the list parameters. */
    public MemdevDetails details() {
        return new MemdevDetails(health, partition, firmware, alertConfig, mediaErrors, dax);
    }
}
