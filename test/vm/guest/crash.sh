#!/bin/sh
# Guest side of CrashVmIT (ram1): see crash.py. Arguments: kills of create-region, kills of
# attach-region --create, rounds of unbind during attach, rounds of racing clients (defaults: 20 12 6 8).
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT
set -- $(memdevs) "$@"
m=$1; shift
python3 test/vm/guest/crash.py "$O" "$m" "${1:-20}" "${2:-12}" "${3:-6}" "${4:-8}"
