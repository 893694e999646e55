#!/bin/sh
# Captures the kernel's CXL trace event formats (events/cxl/*/format) into $CXLVM_OUT/formats, with
# the kernel release in KERNEL: the fixture cxld/src/test/resources/events/formats-6.12 came from
#   test/vm/cxlvm -t cxltest -o OUT test/vm/guest/capture-trace-formats.sh
set -e
O=$CXLVM_OUT
modprobe cxl_test
udevadm settle --timeout=60
mkdir -p "$O/formats"
for e in /sys/kernel/tracing/events/cxl/cxl_*/; do
    cat "$e/format" > "$O/formats/$(basename "$e")"
done
uname -r > "$O/formats/KERNEL"
