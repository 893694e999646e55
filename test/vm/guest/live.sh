#!/bin/sh
# Guest side of LiveVmIT: cxld on the live /sys follows changes nobody told it about.
# Regions are made and deleted by raw sysfs writes, a memdev is disabled and enabled through
# cxlctl, and poison is injected through debugfs; `cxlctl list` runs right after each change and
# `cxlctl monitor` runs all along. Everything lands in $CXLVM_OUT:
#   times.txt            "<step> <epoch seconds>" taken right after each change was written
#   monitor.jsonl        what cxlctl monitor printed
#   list-<step>.json     cxlctl list right after <step>;  status.json  cxlctl status at the end
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT

cxld/bin/cxld --rescan-interval 600 > "$O/cxld.log" 2>&1 &
wait_for_cxld
cli/bin/cxlctl monitor > "$O/monitor.jsonl" 2> "$O/monitor.err" &
monitor=$!
wait_for_monitor

set -- $(memdevs)
# a single-target region on the last memdev, committed and bound, all by hand
region=$(make_region ram $((256 * 1048576)) commit "$3")
stamp created
echo "$region" > "$O/region.txt"
cli/bin/cxlctl list -R -r "$region" > "$O/list-created.json"

sysfs_write /sys/bus/cxl/drivers/cxl_region/unbind "$region"
sysfs_write "$CXL_DEVICES/$region/commit" 0
sysfs_write "$CXL_DEVICES/decoder0.0/delete_region" "$region"
stamp deleted
cli/bin/cxlctl list -R > "$O/list-deleted.json" 2> "$O/list-deleted.err"

# a memdev in no region, off and on again through the daemon
cli/bin/cxlctl disable-memdev "$1" 2> "$O/disable.err"
stamp disabled
cli/bin/cxlctl list -M -i -m "$1" > "$O/list-disabled.json"
cli/bin/cxlctl enable-memdev "$1" 2> "$O/enable.err"
stamp enabled

# a CXL trace event: poison injected and listed
mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
echo 0x1000 > /sys/kernel/debug/cxl/"$2"/inject_poison
echo 1 > "$CXL_DEVICES/$2/trigger_poison_list"
stamp poisoned
echo "$1 $2" > "$O/memdevs.txt"

sleep 1
cli/bin/cxlctl status > "$O/status.json"
kill $monitor
