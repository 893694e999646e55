#!/bin/sh
# Guest side of CrashVmIT (ram1): see crash.py. Arguments: kills of create-region, of
# attach-region --create and of destroy-region, rounds of unbind during attach, rounds of racing
# clients (defaults: 16 12 12 6 8).
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT
set -- $(memdevs) "$@"
m=$1; shift
python3 test/vm/guest/crash.py "$O" "$m" "${1:-16}" "${2:-12}" "${3:-12}" "${4:-6}" "${5:-8}"
