#!/bin/sh
# Guest side of ExactVmIT (ram1): cxld's cache is exact. Raw sysfs writes (a region made and torn
# down by hand, 12 writes a round) each followed at once by `list` and `status` over the socket,
# checked against sysfs read right after the answer (exact.py). Into $CXLVM_OUT: exact.json
# (checks, what was stale, latencies, refresh counters before and after) and the cxld log.
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT
set -- $(memdevs)
start_cxld
python3 test/vm/guest/exact.py "$CXLD_SOCKET" "$1" 10 "$O/exact.json"
