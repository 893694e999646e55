#!/bin/sh
# Guest side of test/vm/capture-mailbox: the raw responses of the read-only mailbox commands of
# every memdev (cxld capture-mailbox) into $CXLVM_OUT/mailbox/<topology>/<memdev>/, and ndctl's
# `cxl list -M -I` of the same guest into $CXLVM_OUT/mailbox/<topology>/ndctl-M-I.json.
set -e
out=$CXLVM_OUT/mailbox/$CXLVM_TOPOLOGY
for m in $(ls /sys/bus/cxl/devices | grep '^mem[0-9]' | sort -k1.4 -n); do
    cxld/bin/cxld capture-mailbox "$m" "$out/$m" > /dev/null
done
cxl list -M -I > "$out/ndctl-M-I.json"
