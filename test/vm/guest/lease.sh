#!/bin/sh
# Guest side of LeaseVmIT (ram1): leased handoffs against the real kernel. A committed single-target
# region is made by raw sysfs writes, then leased: to a cxlctl's connection (killed with SIGKILL),
# to a process (killed), to a connection across a cxld killed with SIGKILL, and to a connection
# whose region the kernel then deletes while a process has its dax device mapped. Into $CXLVM_OUT: each step's stdout/stderr/exit
# (<step>.out, .err, .rc), the active handoffs after each end (<name>.active), the cxld log.
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT
set -- $(memdevs)
m=$1
start_cxld
region=$(make_region ram $((256 * 1048576)) commit "$m")
echo "$m $region" > "$O/names.txt"

# 1. a connection lease; its cxlctl killed with SIGKILL
cli/bin/cxlctl attach-region "$m" --lease --owner lease-test > "$O/lease.out" 2> "$O/lease.err" &
holder=$!
await_active 1 held
step detach-other cli/bin/cxlctl detach-region "$m"
kill -9 "$holder"
await_active 0 killed

# 2. a process lease; the process killed
sleep 600 &
sleeper=$!
step attach-pid cli/bin/cxlctl attach-region "$m" --pid "$sleeper"
active > "$O/pid-held.active"
kill -9 "$sleeper"
wait "$sleeper" 2>/dev/null || true
await_active 0 pid-gone

# 3. a connection lease across a cxld killed with SIGKILL: released when cxld starts again
cli/bin/cxlctl attach-region "$m" --lease > "$O/lease3.out" 2> "$O/lease3.err" &
holder=$!
await_active 1 held3
kill -9 "$(cat /tmp/cxld.pid)"
set +e; wait "$holder"; echo $? > "$O/lease3.rc"; set -e
rm -f "$CXLD_SOCKET"
start_cxld
active > "$O/restarted.active"

# 4. a connection lease whose region the kernel deletes: the holder hears it and exits 11
( set +e; cli/bin/cxlctl attach-region "$m" --lease > "$O/lease4.out" 2> "$O/lease4.err"; echo $? > "$O/lease4.rc" ) &
await_active 1 held4
# a holder's mapping of the dax device, written before the region goes and touched after
dax=$(basename "$(ls -d "$CXL_DEVICES/$region"/dax_region*/dax*.* | head -n 1)")
echo "$dax" > "$O/dax.txt"
( set +e; python3 -c 'import mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 2 << 20, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
m[0:4] = b"cxld"
open(sys.argv[2], "w").write("mapped %s\n" % bytes(m[0:4]).decode())
while not os.path.exists(sys.argv[3]):
    time.sleep(0.1)
m[0:4] = b"gone"
print("the mapping still worked after the region was deleted")' "/dev/$dax" "$O/mapped.txt" /tmp/deleted \
    > "$O/mapper.out" 2> "$O/mapper.err"; echo $? > "$O/mapper.rc" ) &
i=0; while [ ! -s "$O/mapped.txt" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
# unbound, then deleted while still committed (the kernel resets its decoders as it deletes it): no
# decommit in between, which cxld could see first and report as the reason instead of the deletion
sysfs_write /sys/bus/cxl/drivers/cxl_region/unbind "$region"
sysfs_write "$CXL_DEVICES/decoder0.0/delete_region" "$region"
touch /tmp/deleted
[ -e "/dev/$dax" ] && echo present > "$O/dax-after.txt" || echo absent > "$O/dax-after.txt"
i=0; while { [ ! -s "$O/lease4.rc" ] || [ ! -s "$O/mapper.rc" ]; } && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
step status cli/bin/cxlctl status
