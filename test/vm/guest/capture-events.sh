#!/bin/sh
# Guest side of test/vm/capture-events: what the kernel itself sends while a region is made,
# committed and deleted, and what a CXL trace event looks like in trace_pipe:
#   $CXLVM_OUT/events/uevents.bin      raw NETLINK_KOBJECT_UEVENT messages, each prefixed by its
#                                      length as 4 ASCII hex digits and a newline
#   $CXLVM_OUT/events/trace-cxl.txt    trace lines of events/cxl/* (poison inject + list)
set -e
. test/vm/guest/lib/regions.sh
out=$CXLVM_OUT/events
mkdir -p "$out"
python3 - "$out/uevents.bin" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)
s.bind((0, 1))
s.settimeout(1.0)
end = time.time() + 6
with open(sys.argv[1], "wb") as f:
    while time.time() < end:
        try:
            m = s.recv(65536)
        except socket.timeout:
            continue
        f.write(b"%04x\n" % len(m) + m)
PY
sleep 1
set -- $(memdevs)
r=$(make_region ram 268435456 commit "$1")
sysfs_write /sys/bus/cxl/drivers/cxl_region/unbind "$r"
sysfs_write "$CXL_DEVICES/$r/commit" 0
sysfs_write "$CXL_DEVICES/decoder0.0/delete_region" "$r"
wait
mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
inst=/sys/kernel/tracing/instances/capture
mkdir -p $inst
echo 1 > $inst/events/cxl/enable
echo 0x1000 > /sys/kernel/debug/cxl/"$1"/inject_poison
echo 1 > "$CXL_DEVICES/$1/trigger_poison_list"
echo 0x1000 > /sys/kernel/debug/cxl/"$1"/clear_poison
grep -v '^#' $inst/trace > "$out/trace-cxl.txt"
echo 0 > $inst/events/cxl/enable
rmdir $inst
