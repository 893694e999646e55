package dev.cxld.daemon.handoff;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a leased handoff lasts as long as: the connection that asked for it ({@code connection}:
 * it ends when that connection closes, and with the cxld that held the connection), or a process
 * ({@code process}: it ends when process {@code pid}, started at {@code started} clock ticks after
 * boot, exits; the start time tells a reused pid from the one named). A handoff without a lease is
 * durable: it lasts until detach or revocation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Lease(String kind, Long pid, Long started) {
    public static final String CONNECTION = "connection";
    public static final String PROCESS = "process";

    public static Lease connection(Long pid) {
        return new Lease(CONNECTION, pid, null);
    }

    public static Lease process(long pid, long started) {
        return new Lease(PROCESS, pid, started);
    }

    public boolean isConnection() {
        return CONNECTION.equals(kind);
    }

    public boolean isProcess() {
        return PROCESS.equals(kind);
    }

    public String describe() {
        return isProcess() ? "process " + pid : "its connection" + (pid != null ? " (pid " + pid + ")" : "");
    }
}
