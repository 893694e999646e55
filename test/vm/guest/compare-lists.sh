#!/bin/sh
# Guest side of ListVmIT: in each state (empty, committed, pending; see lib/regions.sh) print
# ndctl's `cxl list` and `cxlctl list` (against a cxld running in this guest) with the same flags
# into $CXLVM_OUT/<state>/{ndctl,cxlctl}-<n>.json; flags.txt says which <n> had which flags.
set -e
. test/vm/guest/lib/regions.sh
sock=/tmp/cxld.sock
cxld/bin/cxld --socket $sock 2> "$CXLVM_OUT/cxld.log" &
daemon=$!
i=0
while [ ! -S $sock ]; do
    i=$((i + 1))
    [ $i -le 600 ] || { echo "compare-lists.sh: cxld did not create $sock in 60 s" >&2; cat "$CXLVM_OUT/cxld.log" >&2; exit 1; }
    kill -0 $daemon 2>/dev/null || { echo "compare-lists.sh: cxld exited" >&2; cat "$CXLVM_OUT/cxld.log" >&2; exit 1; }
    sleep 0.1
done
printf '%s\n' "-M" "-D" "-P -E" "-R -T" "-vv" "-vv -u" > "$CXLVM_OUT/flags.txt"
lists() {
    mkdir -p "$CXLVM_OUT/$1"
    n=0
    while read -r flags; do
        n=$((n + 1))
        cxl list $flags > "$CXLVM_OUT/$1/ndctl-$n.json" 2> "$CXLVM_OUT/$1/ndctl-$n.err"
        cli/bin/cxlctl --socket $sock list $flags > "$CXLVM_OUT/$1/cxlctl-$n.json" 2> "$CXLVM_OUT/$1/cxlctl-$n.err"
    done < "$CXLVM_OUT/flags.txt"
}
lists empty
plan_regions committed > /dev/null
lists committed
plan_regions pending > /dev/null
lists pending
kill $daemon
