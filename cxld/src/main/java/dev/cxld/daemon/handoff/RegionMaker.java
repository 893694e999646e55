package dev.cxld.daemon.handoff;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Regions made for a handoff (RegionControl, wired by the daemon): {@code createIfNone} gives a
 * memdev without a region a single-target one and names it (empty: the memdev has a region
 * already); {@code destroy} tears one down again (forced), a Refusal when the kernel refuses;
 * {@code settled} says the create is over (the handoff saved, or the region destroyed again), so
 * the journal that lets a restart undo a create killed midway lets go of it.
 */
public record RegionMaker(Function<String, Optional<String>> createIfNone, Consumer<String> destroy,
        Consumer<String> settled) {}
