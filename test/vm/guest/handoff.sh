#!/bin/sh
# Guest side of HandoffVmIT (ram3): accelerator handoffs against the real kernel. Regions are made
# by raw sysfs writes: a 2-way interleaved one over the first two memdevs, and one on the third,
# first left uncommitted and then committed. Into $CXLVM_OUT: each step's stdout/stderr/exit
# (<step>.out, <step>.err, <step>.rc), sysfs facts, monitor output, times.
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT

set -- $(memdevs)
echo "$1 $2 $3" > "$O/memdevs.txt"
start_cxld
make_region ram $((256 * 1048576)) commit "$1" "$2" > "$O/interleaved.txt"
single=$(make_region ram $((256 * 1048576)) nocommit "$3")
echo "$single" > "$O/single.txt"

step refused-uncommitted cli/bin/cxlctl attach-region "$3"
step refused-interleaved cli/bin/cxlctl attach-region "$1"
sysfs_write "$CXL_DEVICES/$single/commit" 1
sysfs_write /sys/bus/cxl/drivers/cxl_region/bind "$single"
printf '%s %s\n' "$(cat "$CXL_DEVICES/$single/resource")" "$(cat "$CXL_DEVICES/$single/size")" > "$O/sysfs-range.txt"
step attach cli/bin/cxlctl attach-region "$3" --owner vm-test
step disable-held cli/bin/cxlctl disable-memdev -f "$3"
step attach-again cli/bin/cxlctl attach-region "$3"

# SIGKILL while holding: the handoff is back after a restart
kill -9 "$(cat /tmp/cxld.pid)"
rm -f "$CXLD_SOCKET"
start_cxld
step status-restarted cli/bin/cxlctl status
step attach-after-restart cli/bin/cxlctl attach-region "$3"
step detach cli/bin/cxlctl detach-region "$3"
step detach-twice cli/bin/cxlctl detach-region "$3"

# held again, then deleted behind cxld's back: revoked, announced, in status
step attach-2 cli/bin/cxlctl attach-region "$3"
cli/bin/cxlctl monitor --source handoff > "$O/monitor.jsonl" 2> "$O/monitor.err" &
monitor=$!
wait_for_monitor
sysfs_write /sys/bus/cxl/drivers/cxl_region/unbind "$single"
sysfs_write "$CXL_DEVICES/$single/commit" 0
sysfs_write "$CXL_DEVICES/decoder0.0/delete_region" "$single"
stamp deleted
sleep 1
step status-revoked cli/bin/cxlctl status
kill $monitor
