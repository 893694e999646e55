package dev.cxld.daemon.mailbox;

/** Mailbox return codes (CXL 3.0 §8.2.8.4.5.1; the kernel's CMD_CMD_RC_TABLE), by value. */
public final class ReturnCode {
    public static final int SUCCESS = 0x00;
    public static final int UNSUPPORTED = 0x03;

    private static final String[] NAMES = {
        "Success", "Background Command Started", "Invalid Input", "Unsupported", "Internal Error",
        "Retry Required", "Busy", "Media Disabled", "FW Transfer in Progress", "FW Transfer Out of Order",
        "FW Verification Failed", "Invalid Slot", "Activation Failed, FW Rolled Back",
        "Activation Failed, Cold Reset Required", "Invalid Handle", "Invalid Physical Address",
        "Inject Poison Limit Reached", "Permanent Media Failure", "Aborted", "Invalid Security State",
        "Incorrect Passphrase", "Unsupported Mailbox or CCI", "Invalid Payload Length", "Invalid Log",
        "Interrupted", "Unsupported Feature Version", "Unsupported Feature Selection Value",
        "Feature Transfer in Progress", "Feature Transfer Out of Order", "Resources Exhausted",
        "Invalid Extent List",
    };

    private ReturnCode() {}

    /** "Invalid Input", or "return code 0x2a" for one newer than this table. */
    public static String name(int rc) {
        return rc >= 0 && rc < NAMES.length ? NAMES[rc] : String.format("return code %#x", rc);
    }
}
