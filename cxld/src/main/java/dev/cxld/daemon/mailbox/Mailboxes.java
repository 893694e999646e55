package dev.cxld.daemon.mailbox;

import java.util.function.Function;

/** Where {@link MemdevCommands} gets a memdev's mailbox: {@link MailboxService} on a host, replayed payloads in tests. */
public interface Mailboxes {
    /** Runs {@code work} with {@code memdev}'s mailbox, no other caller using that memdev's mailbox meanwhile. */
    <T> T with(String memdev, Function<Mailbox, T> work);
}
