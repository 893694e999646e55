#!/bin/sh
. test/vm/guest/lib/cxld.sh
start_cxld
{
cli/bin/cxlctl commands mem0 | head -80
echo "== ndctl set-partition"; cxl set-partition mem0 -t pmem -s 256M; echo "rc=$?"
echo "== cxlctl set-partition"; cli/bin/cxlctl set-partition mem0 -t pmem -s 256M; echo "rc=$?"
echo "== ndctl set-alert-config"; cxl set-alert-config mem0 -L 80 --life-used-alarm=on; echo "rc=$?"
echo "== cxlctl set-alert-config"; cli/bin/cxlctl set-alert-config mem0 -L 80 --life-used-alarm=on; echo "rc=$?"
cxl list -m mem0 -A; cli/bin/cxlctl list -m mem0 -A
cli/bin/cxlctl partition mem0; cli/bin/cxlctl alert-config mem0
} > "$CXLVM_OUT/exp.txt" 2>&1
