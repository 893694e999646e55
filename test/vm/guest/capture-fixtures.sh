#!/bin/sh
# Guest side of test/vm/capture-fixtures: capture this topology's sysfs three times into
# $CXLVM_OUT/sysfs/<topology>-<state>, with what ndctl's `cxl list` says of each state beside it
# in $CXLVM_OUT/ndctl/<topology>-<state>/:
#   empty      as booted: no regions
#   committed  plus committed regions: a 2-way interleaved one over the first two memdevs and a
#              single-target one (on the third memdev, or on the first memdev's next decoder)
#   pending    plus one region created but not committed: with its target set, or (ram1, whose
#              host bridge has a single passthrough decoder already in use) sized without targets
# switch32, the scale tree of the benchmarks, only as committed: every other memdev (by serial) in
# a single-target region through its host bridge's window;
# and, for ram1 only, the states of a handoff's memory (bus/dax and the memory blocks matter):
#   kmem       committed, its region's dax device onlined as System RAM by kmem (pending deleted)
#   devdax     the same taken out of System RAM as daxctl reconfigure-device --mode=devdax does:
#              blocks offlined, kmem unbound, device_dax bound
set -e
. test/vm/guest/lib/regions.sh
T=$CXLVM_TOPOLOGY

capture() {
    name=$T-$1
    cxld/bin/cxld capture-sysfs --note "qemu=$CXLVM_QEMU" --note "topology=$T" --note "state=$1" \
        "$CXLVM_OUT/sysfs/$name"
    mkdir -p "$CXLVM_OUT/ndctl/$name"
    cxl list -vv > "$CXLVM_OUT/ndctl/$name/cxl-list-vv.json"
    cxl list -vv -u > "$CXLVM_OUT/ndctl/$name/cxl-list-vv-u.json"
    cxl list -M -I > "$CXLVM_OUT/ndctl/$name/cxl-list-M-I.json"
}

if [ "$T" = switch32 ]; then
    for m in $(memdevs); do
        n=$(( $(cat "$CXL_DEVICES/$m/serial") - 0x100 ))   # the topology's sn=0x100+N, 8 per host bridge
        [ $((n % 2)) = 0 ] || continue
        CXL_ROOT_DECODER=decoder0.$((n / 8)) make_region ram $((256 * 1048576)) commit "$m" > /dev/null
    done
    capture committed
    exit 0
fi

capture empty
plan_regions committed
capture committed
plan_regions pending
capture pending

if [ "$T" = ram1 ]; then
    for r in "$CXL_DEVICES"/region*; do
        [ "$(cat "$r/commit")" = 0 ] && sysfs_write "$CXL_DEVICES/decoder0.0/delete_region" "$(basename "$r")"
    done
    modprobe kmem    # binds the region's dax device at once: it matches kmem by type
    dax=$(basename "$(ls -d "$CXL_DEVICES"/region*/dax_region*/dax*.* | head -n 1)")
    [ "$(basename "$(readlink /sys/bus/dax/devices/$dax/driver)")" = kmem ]
    capture kmem
    start=$(cat /sys/bus/dax/devices/$dax/resource); size=$(cat /sys/bus/dax/devices/$dax/size)
    bs=0x$(cat /sys/devices/system/memory/block_size_bytes)
    for b in /sys/devices/system/memory/memory*; do
        a=$((0x$(cat "$b/phys_index") * bs))
        if [ $a -ge $((start)) ] && [ $a -lt $((start + size)) ]; then sysfs_write "$b/state" offline; fi
    done
    printf '%s' "$dax" > /sys/bus/dax/drivers/kmem/remove_id
    printf '%s' "$dax" > /sys/bus/dax/drivers/kmem/unbind
    printf '%s' "$dax" > /sys/bus/dax/drivers/device_dax/new_id    # binds it (new_id probes)
    [ "$(basename "$(readlink /sys/bus/dax/devices/$dax/driver)")" = device_dax ]
    capture devdax
fi
