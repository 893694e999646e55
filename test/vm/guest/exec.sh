#!/bin/sh
# Guest side of ExecVmIT (ram1, kmem loaded): a runtime that is not root (nobody, in the group cxld
# is told to trust) gets a region's memory as a descriptor, and maps exactly that. A committed
# single-target RAM region is made by raw sysfs writes (System RAM through kmem), then handed
#  1. to `cxlctl attach-region --exec python3 holder.py exec ...` (descriptor 3 inherited), and
#  2. to holder.py asking cxld itself for the descriptor (SCM_RIGHTS, no grant).
# Into $CXLVM_OUT: the kernel's view before, while held and after each release
# (<point>.{iomem,memtotal,driver,node}), each holder's report (<name>.json), steps as in lib/cxld.sh.
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT
modprobe kmem
set -- $(memdevs)
m=$1
r=$(make_region ram $((256 * 1048576)) commit "$m")
dax=$(basename "$(ls -d "$CXL_DEVICES/$r"/dax_region*/dax*.* | head -n 1)")
printf '%s %s %s %s %s\n' "$m" "$r" "$dax" "$(cat "$CXL_DEVICES/$r/resource")" "$(cat "$CXL_DEVICES/$r/size")" > "$O/region.txt"
look() {
    cat /proc/iomem > "$O/$1.iomem"
    awk '/MemTotal/ {print $2}' /proc/meminfo > "$O/$1.memtotal"
    basename "$(readlink "/sys/bus/dax/devices/$dax/driver" 2>/dev/null)" > "$O/$1.driver" 2>/dev/null || echo none > "$O/$1.driver"
    stat -c '%u %g %a' "/dev/$dax" > "$O/$1.node" 2>&1 || echo absent > "$O/$1.node"
}
# await FILE: until FILE is not empty (at most 120 s: a JVM starts slowly here)
await() { i=0; while [ ! -s "$1" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done; }
await_dax_driver "$dax" kmem
look before
# nobody (65534) in group users (100), which this cxld trusts to change things
cxld/bin/cxld --state-dir /tmp/state --rescan-interval 600 --admin-group users >> "$O/cxld.log" 2>&1 &
echo $! > /tmp/cxld.pid
wait_for_cxld
AS_NOBODY="setpriv --reuid=65534 --regid=65534 --groups=100"

# 1. --exec
( set +e; $AS_NOBODY cli/bin/cxlctl attach-region "$m" --owner exec-test --exec python3 test/vm/guest/holder.py exec \
    /tmp/exec.json /tmp/exec.stop > "$O/exec.out" 2> "$O/exec.err"; echo $? > "$O/exec.rc" ) &
await /tmp/exec.json
cp /tmp/exec.json "$O/exec.json" 2>/dev/null || true
look exec-held
active > "$O/exec-held.active"
step status-exec cli/bin/cxlctl status
touch /tmp/exec.stop
await "$O/exec.rc"
await_active 0 exec-released
look exec-released
# nobody cannot open the device by path again once the lease is over
$AS_NOBODY python3 -c 'import os, sys, errno
try:
    os.open(sys.argv[1], os.O_RDWR); print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])' "/dev/$dax" > "$O/exec-after-open.txt" 2>&1 || true

# 2. asked for over the socket
( set +e; $AS_NOBODY python3 test/vm/guest/holder.py ask "$CXLD_SOCKET" "$m" /tmp/ask.json /tmp/ask.stop \
    > "$O/ask.out" 2> "$O/ask.err"; echo $? > "$O/ask.rc" ) &
await /tmp/ask.json
cp /tmp/ask.json "$O/ask.json" 2>/dev/null || true
look ask-held
touch /tmp/ask.stop
await "$O/ask.rc"
await_active 0 ask-released
look ask-released
step status-end cli/bin/cxlctl status
