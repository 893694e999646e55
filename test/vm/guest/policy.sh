#!/bin/sh
# Guest side of PolicyVmIT (ram1, kmem loaded): the accelerator policy at probe time. cxld's
# configuration names the memdev by its serial (create-region = yes, user = nobody); nobody asks
# for anything, yet:
#  0. a configuration with an unknown key stops cxld (exit 78, file:line), --check-config says so;
#  1. at start the memdev has no region: cxld creates one, takes it out of System RAM, hands it to
#     the configured holder and publishes it in /run/cxld/handoffs/<memdev>.json;
#  2. an administrator's detach ends it (the region cxld created is destroyed) and is not undone;
#  3. cxlctl disable-memdev, enable-memdev: the memdev arrives, handed off again on its own;
#  4. the memdev unbound and bound again by raw sysfs writes (a hotplug, no request to cxld at
#     all): revoked and unpublished, then handed off again, seen only in the published file;
#  5. cxld killed with SIGKILL and started again: the handoff is kept, not made twice;
#  6. a region made by raw sysfs writes but not committed: degraded (status, event), then committed
#     by a raw write: handed off (it is not cxld's: a detach leaves it).
# Into $CXLVM_OUT: <point>.{status,iomem,memtotal,regions,file,node} and steps as in lib/cxld.sh.
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT
modprobe kmem
set -- $(memdevs)
m=$1
serial=$(cat "$CXL_DEVICES/$m/serial")
pcidir=$(dirname "$(readlink -f "$CXL_DEVICES/$m")")
pci="$(sed 's/^0x//' "$pcidir/vendor"):$(sed 's/^0x//' "$pcidir/device")"
echo "$m $serial $pci" > "$O/memdev.txt"
mkdir -p /tmp/etc
conf=/tmp/etc/cxld.conf
FILE=/run/cxld/handoffs/$m.json

# look POINT: what the kernel and cxld say now
look() {
    status_to "$O/$1.status" 2>/dev/null || echo "cxld not running" > "$O/$1.status"
    cat /proc/iomem > "$O/$1.iomem"
    awk '/MemTotal/ {print $2}' /proc/meminfo > "$O/$1.memtotal"
    ls "$CXL_DEVICES" | grep '^region[0-9]' | tr '\n' ' ' > "$O/$1.regions" || true
    cat "$FILE" > "$O/$1.file" 2>/dev/null || echo absent > "$O/$1.file"
    for d in /dev/dax*; do [ -e "$d" ] && echo "$d $(stat -c '%u %a' "$d")"; done > "$O/$1.node" 2>/dev/null || true
}
# await_file present|absent POINT: until the published file is (not) there (at most 120 s); no
# request to cxld is made meanwhile
await_file() {
    i=0
    while [ $i -lt 1200 ]; do
        if [ "$1" = present ] && [ -s "$FILE" ]; then break; fi
        if [ "$1" = absent ] && [ ! -e "$FILE" ]; then break; fi
        sleep 0.1; i=$((i+1))
    done
    stamp "$2"
}
mark() { echo "--- policy.sh: scenario $1" >> "$O/cxld.log"; }

# 0. a configuration that does not check
printf '[accelerator accel0]\nserial = %s\nsize = 1G\n' "$serial" > /tmp/etc/bad.conf
step bad cxld/bin/cxld --config /tmp/etc/bad.conf --state-dir /tmp/state
printf '# written by policy.sh\n[accelerator accel0]\nserial = %s\nholder = accel-runtime\ncreate-region = yes\nuser = nobody\n' \
    "$serial" > "$conf"
step check cxld/bin/cxld --check-config --config "$conf"
look before

# 1. at start
mark 1
start_cxld --config "$conf"
await_file present attached1
look attached1

# 2. an administrator's detach
mark 2
step detach2 cli/bin/cxlctl detach-region "$m"
sleep 2
look detached2

# 3. disable-memdev, enable-memdev
mark 3
step disable3 cli/bin/cxlctl disable-memdev "$m"
step enable3 cli/bin/cxlctl enable-memdev "$m"
await_file present attached3
look attached3

# 4. a hotplug: unbound and bound by raw writes, no request
mark 4
stamp unbind4
sysfs_write /sys/bus/cxl/drivers/cxl_mem/unbind "$m"
await_file absent revoked4
sysfs_write /sys/bus/cxl/drivers/cxl_mem/bind "$m"
stamp bind4
await_file present attached4
look attached4

# 5. cxld killed with SIGKILL, started again
mark 5
kill -9 "$(cat /tmp/cxld.pid)"
sleep 1
start_cxld --config "$conf"
sleep 2
look restarted5

# 6. an uncommitted region: degraded; committed by hand: handed off
mark 6
step detach6 cli/bin/cxlctl detach-region "$m"
kill "$(cat /tmp/cxld.pid)"
sleep 2
r6=$(make_region ram $((256 * 1048576)) nocommit "$m")
echo "$r6" > "$O/region6.txt"
start_cxld --config "$conf"
look degraded6
sysfs_write "$CXL_DEVICES/$r6/commit" 1
sysfs_write /sys/bus/cxl/drivers/cxl_region/bind "$r6"
status_to /dev/null # a request: region configuration makes no uevent, a request reads it again
await_file present attached6
look attached6
step detach6b cli/bin/cxlctl detach-region "$m"
look after6
mark end
