#!/bin/sh
# Guest side of test/vm/capture-fixtures: capture this topology's sysfs three times into
# $CXLVM_OUT/sysfs/<topology>-<state>, with what ndctl's `cxl list` says of each state beside it
# in $CXLVM_OUT/ndctl/<topology>-<state>/:
#   empty      as booted: no regions
#   committed  plus committed regions: a 2-way interleaved one over the first two memdevs and a
#              single-target one (on the third memdev, or on the first memdev's next decoder)
#   pending    plus one region created but not committed: with its target set, or (ram1, whose
#              host bridge has a single passthrough decoder already in use) sized without targets
set -e
. test/vm/guest/lib/regions.sh
T=$CXLVM_TOPOLOGY

capture() {
    name=$T-$1
    cxld/bin/cxld capture-sysfs --note "qemu=$CXLVM_QEMU" --note "topology=$T" --note "state=$1" \
        "$CXLVM_OUT/sysfs/$name"
    mkdir -p "$CXLVM_OUT/ndctl/$name"
    cxl list -vv > "$CXLVM_OUT/ndctl/$name/cxl-list-vv.json"
    cxl list -vv -u > "$CXLVM_OUT/ndctl/$name/cxl-list-vv-u.json"
    cxl list -M -I > "$CXLVM_OUT/ndctl/$name/cxl-list-M-I.json"
}

capture empty
plan_regions committed
capture committed
plan_regions pending
capture pending
