package dev.cxld.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The mailbox details {@code list} may add to each memdev, sent in the same {@code args} object as
 * {@link ListParams}: ndctl's {@code -H} (health), {@code -I} (partition_info), {@code -F}
 * (firmware), {@code -A} (alert_config), {@code -L} (media_errors, of memdevs and regions: the
 * poison list), {@code -X} (daxregion of each region: its dax devices, as daxctl lists them).
 * {@code -vvv} asks for all of them.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record MemdevDetails(boolean health, boolean partition, boolean firmware, boolean alertConfig,
        boolean mediaErrors, boolean dax) {
    public MemdevDetails(boolean health, boolean partition, boolean firmware, boolean alertConfig) {
        this(health, partition, firmware, alertConfig, false, false);
    }

    public MemdevDetails(boolean health, boolean partition, boolean firmware, boolean alertConfig, boolean mediaErrors) {
        this(health, partition, firmware, alertConfig, mediaErrors, false);
    }

    public boolean any() {
        return health || partition || firmware || alertConfig || mediaErrors || dax;
    }

    /** These, or all of them when the listing is {@code -vvv} (as ndctl's code: -vvv adds -L and -X too). */
    public MemdevDetails withVerbosity(int verbose) {
        return verbose >= 3 ? new MemdevDetails(true, true, true, true, true, true) : this;
    }
}
