package dev.cxld.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What to list, with the meaning of ndctl's {@code cxl list} options: object flags ({@code -M -B
 * -P -E -D -R}), detail flags ({@code -T -i -u}), filters ({@code -m -s -b -p -e -d -r}, each a
 * space- or comma-separated list of names, ids, {@code all} or a class such as {@code root}), and
 * {@code -S} (no descendants of a filtered port). Use {@link #resolve()} before walking: it applies
 * cxl list's defaults and implications.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record ListParams(
        boolean memdevs,
        boolean buses,
        boolean ports,
        boolean endpoints,
        boolean decoders,
        boolean regions,
        boolean targets,
        boolean idle,
        boolean human,
        boolean single,
        int verbose,
        String memdevFilter,
        String serialFilter,
        String busFilter,
        String portFilter,
        String endpointFilter,
        String decoderFilter,
        String regionFilter) {

    /** Nothing asked for: cxl list's default, regions and memdevs. */
    public static ListParams none() {
        return new ListParams(false, false, false, false, false, false, false, false, false, false, 0,
                null, null, null, null, null, null, null);
    }

    /**
     * The parameters the walk uses, after cxl list's rules: with no object flag a filter implies
     * its object and {@code -S}; with none of either, {@code -R -M}; then {@code -v} adds
     * {@code -B -P -E -D -T -R}, {@code -vv} also {@code -i}; a port filter naming {@code root}
     * or {@code endpoint} with {@code -P} adds {@code -B} or {@code -E}.
     *
     * @throws IllegalArgumentException for {@code -S} without {@code -p}
     */
    public ListParams resolve() {
        if (single && portFilter == null) {
            throw new IllegalArgumentException("-S/--single expects a port filter: -p/--port=");
        }
        boolean m = memdevs, b = buses, p = ports, e = endpoints, d = decoders, r = regions;
        boolean t = targets, i = idle, s = single;
        if (!(m || b || p || e || d || r)) {
            m = memdevFilter != null || serialFilter != null;
            b = busFilter != null;
            p = portFilter != null;
            e = endpointFilter != null;
            d = decoderFilter != null;
            r = regionFilter != null;
            s = true;
        }
        if (!(m || b || p || e || d || r)) {
            m = true;
            r = true;
        }
        if (verbose >= 1) {
            b = p = e = d = t = r = true;
        }
        if (verbose >= 2) {
            i = true;
        }
        if (p && mentions(portFilter, "root")) {
            b = true;
        }
        if (p && mentions(portFilter, "endpoint")) {
            e = true;
        }
        return new ListParams(m, b, p, e, d, r, t, i, human, s, verbose,
                memdevFilter, serialFilter, busFilter, portFilter, endpointFilter, decoderFilter, regionFilter);
    }

    /** ndctl's cxl_filter_has(): some word of the filter contains {@code needle}. */
    private static boolean mentions(String filter, String needle) {
        if (filter == null) {
            return false;
        }
        for (String word : filter.split(filter.indexOf(' ') >= 0 ? " " : ",")) {
            if (word.contains(needle)) {
                return true;
            }
        }
        return false;
    }
}
