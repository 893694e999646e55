package dev.cxld.daemon.list;

import dev.cxld.protocol.model.Memdev;
import java.util.List;
import java.util.function.Predicate;

/** The {@code -m}/{@code -s} filter: which memdevs the listing is about. */
final class MemdevFilter {
    private final String ident;
    private final String serials;
    private final List<Memdev> selected;

    MemdevFilter(List<Memdev> all, String ident, String serials) {
        this.ident = ident;
        this.serials = serials;
        this.selected = all.stream().filter(m -> Idents.memdev(m, ident, serials)).toList();
    }

    boolean active() {
        return ident != null || serials != null;
    }

    boolean matches(Memdev m) {
        return Idents.memdev(m, ident, serials);
    }

    /** Without a filter, true; with one, whether some selected memdev satisfies {@code p}. */
    boolean any(Predicate<Memdev> p) {
        return !active() || selected.stream().anyMatch(p);
    }
}
