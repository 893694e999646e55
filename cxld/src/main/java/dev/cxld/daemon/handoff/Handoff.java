package dev.cxld.daemon.handoff;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A region's host physical address range handed to one holder, as {@code attach-region} answers it
 * and as the state file keeps it. {@code hpa_range.end} is inclusive, as in the kernel's struct range.
 * {@code lease} is null for a durable handoff (until detach or revocation); {@code created_region}
 * is true when cxld created the region for it, and absent otherwise; {@code accelerator} names the
 * configured accelerator ({@code [accelerator NAME]}) whose policy handed it off at probe time, and
 * is absent for a handoff someone asked for.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Handoff(
        String memdev,
        String region,
        String decoder,
        long resource,
        long size,
        @JsonProperty("hpa_range") Range hpaRange,
        @JsonProperty("interleave_ways") int interleaveWays,
        String mode,
        String dax,
        boolean locked,
        Holder holder,
        String since,
        @JsonProperty("private_memory") PrivateMemoryState privateMemory,
        Lease lease,
        @JsonProperty("created_region") Boolean createdRegion,
        String accelerator) {

    /** Whether cxld created the region for this handoff (attach-region --create): it is destroyed when the handoff ends. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean created() {
        return Boolean.TRUE.equals(createdRegion);
    }

    /** [start, end], end inclusive. */
    public record Range(long start, long end) {}

    /**
     * Who holds it: the caller's uid and user, its pid and command name when known, and the
     * {@code --owner} label it gave.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Holder(long uid, String user, Long pid, String comm, String owner) {
        public String describe() {
            return user + " (uid " + uid + (pid != null ? ", pid " + pid + (comm != null ? " " + comm : "") : "") + ")"
                    + (owner != null ? " as \"" + owner + "\"" : "");
        }
    }
}
