package dev.cxld.protocol.model;

import java.util.List;
import java.util.Optional;

/**
 * Everything under {@code /sys/bus/cxl/devices} at one moment, sorted by device name (numerically).
 *
 * @param ports roots, host bridges, switches and endpoints
 * @param decoders all decoders
 * @param memdevs all memdevs
 * @param regions all regions
 * @param errors problems that concern no single object (a device that vanished mid-scan)
 */
public record Topology(
        List<Port> ports, List<Decoder> decoders, List<Memdev> memdevs, List<Region> regions, List<String> errors) {
    public Topology {
        ports = List.copyOf(ports);
        decoders = List.copyOf(decoders);
        memdevs = List.copyOf(memdevs);
        regions = List.copyOf(regions);
        errors = List.copyOf(errors);
    }

    public Optional<Port> port(String name) {
        return ports.stream().filter(p -> p.port().equals(name)).findFirst();
    }

    public Optional<Decoder> decoder(String name) {
        return decoders.stream().filter(d -> d.decoder().equals(name)).findFirst();
    }

    public Optional<Memdev> memdev(String name) {
        return memdevs.stream().filter(m -> m.memdev().equals(name)).findFirst();
    }

    public Optional<Region> region(String name) {
        return regions.stream().filter(r -> r.region().equals(name)).findFirst();
    }
}
