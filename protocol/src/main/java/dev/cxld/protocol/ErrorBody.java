package dev.cxld.protocol;

/** Why a request failed: a stable {@code code} for programs and a {@code message} for people. */
public record ErrorBody(ErrorCode code, String message) {}
