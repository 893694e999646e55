package dev.cxld.protocol.model;

/**
 * One target of a region: {@code regionZ/target<position>}.
 *
 * @param position interleave position
 * @param decoder the endpoint decoder at that position
 * @param memdev the memdev that decoder's endpoint belongs to, {@code null} if it cannot be found
 */
public record Mapping(int position, String decoder, String memdev) {}
