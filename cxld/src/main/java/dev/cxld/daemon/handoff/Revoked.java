package dev.cxld.daemon.handoff;

/** A handoff that ended without its holder: what it was, why, and when. */
public record Revoked(Handoff handoff, String reason, String at) {}
