#!/bin/sh
# Guest side of TeardownVmIT (ram1): a region cxld creates for a handoff (attach-region --create) is
# destroyed when the handoff ends, exactly once, however its ends race; a region cxld did not
# create is only handed back. In order:
#  1. a region made by raw sysfs writes, attached with --create (it has a region: none is created)
#     and detached: it stays;
#  2. --create, then three detaches at once (two by memdev, one by region);
#  3. --create with a lease, then cxld killed with SIGKILL: the cxld that starts releases the lease
#     and destroys the region at start;
#  4. --create with a lease, then at once: the memdev unbound from cxl_mem, a forced detach, and the
#     holder killed with SIGKILL.
# Into $CXLVM_OUT: <step>.{out,err,rc} (lib/cxld.sh), <point>.regions (the regions sysfs has),
# names.txt, the cxld log.
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT
regions() { ls "$CXL_DEVICES" | grep '^region[0-9]' | tr '\n' ' ' > "$O/$1.regions"; echo >> "$O/$1.regions"; }
# mark N: where scenario N starts, in the cxld log (region names are reused: region0 each time)
mark() { echo "--- teardown.sh: scenario $1" >> "$O/cxld.log"; }
region_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["region"])' "$1"; }
# lease_created N: a cxlctl holding a lease on a region cxld creates for it (pid in $holder, the
# region in $region); its output in leaseN.{out,err}, the regions then in heldN.regions
lease_created() {
    cli/bin/cxlctl attach-region "$m" --create --lease > "$O/lease$1.out" 2> "$O/lease$1.err" &
    holder=$!
    await_active 1 "held$1"
    region=$(region_of "$O/lease$1.out")
    regions "held$1"
}
set -- $(memdevs)
m=$1
start_cxld

# 1. not cxld's
mark 1
r1=$(make_region ram $((256 * 1048576)) commit "$m")
step attach1 cli/bin/cxlctl attach-region "$m" --create
step detach1 cli/bin/cxlctl detach-region "$m"
regions after1
step destroy1 cli/bin/cxlctl destroy-region -f "$r1"
regions clean1

# 2. three detaches at once
mark 2
step attach2 cli/bin/cxlctl attach-region "$m" --create --owner teardown-2
r2=$(region_of "$O/attach2.out")
regions held2
( step detach2a cli/bin/cxlctl detach-region "$m" ) &
a=$!
( step detach2b cli/bin/cxlctl detach-region "$m" ) &
b=$!
( step detach2c cli/bin/cxlctl detach-region "$r2" ) &
c=$!
wait "$a" "$b" "$c" # not cxld, which runs in the background too
regions after2

# 3. cxld killed with SIGKILL while a lease holds a region it created
mark 3
lease_created 3
r3=$region
kill -9 "$(cat /tmp/cxld.pid)"
set +e; wait "$holder"; echo $? > "$O/lease3.rc"; set -e
regions killed3
rm -f "$CXLD_SOCKET"
start_cxld
active > "$O/restarted3.active"
regions after3
step status3 cli/bin/cxlctl status

# 4. memdev unbind, forced detach and SIGKILL of the holder at once
mark 4
lease_created 4
r4=$region
( set +e; sysfs_write /sys/bus/cxl/drivers/cxl_mem/unbind "$m" 2> "$O/unbind4.err"; echo $? > "$O/unbind4.rc" ) &
a=$!
( step detach4 cli/bin/cxlctl detach-region "$m" --force ) &
b=$!
kill -9 "$holder"
wait "$a" "$b" "$holder" || true
await_active 0 ended4
sleep 3 # a teardown the kernel refused is retried once a second
regions after4
step status4 cli/bin/cxlctl status
sysfs_write /sys/bus/cxl/drivers/cxl_mem/bind "$m" 2> "$O/rebind4.err" || true
mark end
echo "$m $r1 $r2 $r3 $r4" > "$O/names.txt"
