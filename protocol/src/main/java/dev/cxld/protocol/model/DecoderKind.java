package dev.cxld.protocol.model;

/** The decoder's devtype: {@code cxl_decoder_root}, {@code cxl_decoder_switch}, {@code cxl_decoder_endpoint}. */
public enum DecoderKind {
    ROOT,
    SWITCH,
    ENDPOINT
}
