package dev.cxld.daemon.mailbox;

/**
 * The kernel's command ids ({@code CXL_CMDS} in include/uapi/linux/cxl_mem.h), positional and
 * never reordered; deprecated ones keep their number. Newer kernels may report ids past
 * {@link #GET_SUP_LOG_SUBLIST}: {@link #name(int)} names those by number.
 */
public enum CommandId {
    INVALID(0, "Invalid Command"),
    IDENTIFY(1, "Identify Command"),
    RAW(2, "Raw device command"),
    GET_SUPPORTED_LOGS(3, "Get Supported Logs"),
    GET_FW_INFO(4, "Get FW Info"),
    GET_PARTITION_INFO(5, "Get Partition Information"),
    GET_LSA(6, "Get Label Storage Area"),
    GET_HEALTH_INFO(7, "Get Health Info"),
    GET_LOG(8, "Get Log"),
    SET_PARTITION_INFO(9, "Set Partition Information"),
    SET_LSA(10, "Set Label Storage Area"),
    GET_ALERT_CONFIG(11, "Get Alert Configuration"),
    SET_ALERT_CONFIG(12, "Set Alert Configuration"),
    GET_SHUTDOWN_STATE(13, "Get Shutdown State"),
    SET_SHUTDOWN_STATE(14, "Set Shutdown State"),
    DEPRECATED_GET_POISON(15, "Deprecated Get Poison List"),
    DEPRECATED_INJECT_POISON(16, "Deprecated Inject Poison"),
    DEPRECATED_CLEAR_POISON(17, "Deprecated Clear Poison"),
    GET_SCAN_MEDIA_CAPS(18, "Get Scan Media Capabilities"),
    DEPRECATED_SCAN_MEDIA(19, "Deprecated Scan Media"),
    DEPRECATED_GET_SCAN_MEDIA(20, "Deprecated Get Scan Media Results"),
    GET_TIMESTAMP(21, "Get Timestamp"),
    GET_LOG_CAPS(22, "Get Log Capabilities"),
    CLEAR_LOG(23, "Clear Log"),
    GET_SUP_LOG_SUBLIST(24, "Get Supported Logs Sub-List");

    public final int id;
    public final String title;

    CommandId(int id, String title) {
        this.id = id;
        this.title = title;
    }

    /** "GET_HEALTH_INFO", or "COMMAND_31" for an id this cxld does not know. */
    public static String name(int id) {
        for (CommandId c : values()) {
            if (c.id == id) {
                return c.name();
            }
        }
        return "COMMAND_" + id;
    }
}
