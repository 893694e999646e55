#!/bin/sh
# Guest side of PrivateMemoryVmIT (ram1, kmem loaded): a committed single-target RAM region is
# System RAM through kmem; cxlctl attach-region must take it out of System RAM and hand over
# /dev/daxX.Y, detach must give it back, detach --keep-devdax must not. The kernel's view at each
# point goes to $CXLVM_OUT/<point>.{iomem,memtotal,driver,blocks}; steps as in lib/cxld.sh.
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT
modprobe kmem
set -- $(memdevs)
echo "$1" > "$O/memdev.txt"
r=$(make_region ram $((256 * 1048576)) commit "$1")
dax=$(basename "$(ls -d "$CXL_DEVICES/$r"/dax_region*/dax*.* | head -n 1)")
printf '%s %s %s %s\n' "$r" "$dax" "$(cat "$CXL_DEVICES/$r/resource")" "$(cat "$CXL_DEVICES/$r/size")" > "$O/region.txt"
look() {
    cat /proc/iomem > "$O/$1.iomem"
    awk '/MemTotal/ {print $2}' /proc/meminfo > "$O/$1.memtotal"
    basename "$(readlink "/sys/bus/dax/devices/$dax/driver" 2>/dev/null)" > "$O/$1.driver" 2>/dev/null || echo none > "$O/$1.driver"
    for b in /sys/devices/system/memory/memory*; do echo "$(basename "$b") $(cat "$b/state")"; done > "$O/$1.blocks"
}
await_dax_driver "$dax" kmem
look before
cxld/bin/cxld --state-dir /tmp/state --rescan-interval 600 >> "$O/cxld.log" 2>&1 &
wait_for_cxld
step attach cli/bin/cxlctl attach-region "$1" --owner vm-test
look attached
ls -l "/dev/$dax" > "$O/attached.node" 2>&1 || true
python3 - "/dev/$dax" "$(cat "/sys/bus/dax/devices/$dax/align")" > "$O/mmap.txt" 2>&1 <<'PY' || true
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
n = int(sys.argv[2])
m = mmap.mmap(fd, n, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
pattern = bytes(range(256)) * (n // 256)
m[:] = pattern
print("mapped", n, "bytes: read back", "equal" if m[:] == pattern else "DIFFERENT")
PY
step destroy-held cli/bin/cxlctl destroy-region -f "$r"
step detach cli/bin/cxlctl detach-region "$1"
look released
step attach-2 cli/bin/cxlctl attach-region "$1"
step detach-keep cli/bin/cxlctl detach-region --keep-devdax "$1"
look kept
