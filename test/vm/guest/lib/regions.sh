# Region helpers for guest scripts: make CXL regions with raw sysfs writes, the sequence of
# shared/docs/kernel-abi.md §8 (what `cxl create-region` does; ndctl 76.1 cannot make ram regions).
# Source it from a guest script:  . test/vm/guest/lib/regions.sh
CXL_DEVICES=${CXL_DEVICES:-/sys/bus/cxl/devices}

# sysfs_write FILE VALUE: write VALUE and a newline; on failure name the file, the value and the error.
sysfs_write() {
    if ! err=$( { printf '%s\n' "$2" > "$1"; } 2>&1 ); then
        echo "regions.sh: writing '$2' to $1 failed: ${err##*: }" >&2
        return 1
    fi
}

# endpoint_of MEMDEV: the endpoint port whose uport is MEMDEV (numbering follows probe order).
endpoint_of() {
    for e in "$CXL_DEVICES"/endpoint*; do
        [ "$(basename "$(readlink -f "$e/uport")")" = "$1" ] && { basename "$e"; return 0; }
    done
    echo "regions.sh: no endpoint port for $1" >&2
    return 1
}

# free_decoder ENDPOINT: its lowest-numbered decoder without DPA (DPA is allocated in id order).
free_decoder() {
    id=${1#endpoint}
    for d in $(ls -d "$CXL_DEVICES"/decoder"$id".* | sort -t. -k2 -n); do
        if [ "$(cat "$d/dpa_size")" = "0x0000000000000000" ] || [ "$(cat "$d/dpa_size")" = "0" ]; then
            basename "$d"; return 0
        fi
    done
    echo "regions.sh: $1 has no free decoder" >&2
    return 1
}

# make_region TYPE PER_DEVICE_BYTES commit|nocommit|notargets MEMDEV... : prints the region name.
# One target per memdev, in the order given; granularity 256; root decoder decoder0.0.
# nocommit stops before commit; notargets stops after size (HPA allocated, no target attached).
make_region() {
    type=$1 per=$2 commit=$3; shift 3
    ways=$#
    root=${CXL_ROOT_DECODER:-decoder0.0}
    region=$(cat "$CXL_DEVICES/$root/create_${type}_region") || return 1
    sysfs_write "$CXL_DEVICES/$root/create_${type}_region" "$region" || return 1
    r=$CXL_DEVICES/$region
    if [ "$type" = pmem ]; then
        sysfs_write "$r/uuid" "$(cat /proc/sys/kernel/random/uuid)" || return 1
    fi
    sysfs_write "$r/interleave_granularity" 256 || return 1
    sysfs_write "$r/interleave_ways" "$ways" || return 1
    sysfs_write "$r/size" "$(printf '%#x' $((per * ways)))" || return 1
    if [ "$commit" = notargets ]; then echo "$region"; return 0; fi
    pos=0
    for m in "$@"; do
        ep=$(endpoint_of "$m") || return 1
        dec=$(free_decoder "$ep") || return 1
        sysfs_write "$CXL_DEVICES/$dec/mode" "$type" || return 1
        sysfs_write "$CXL_DEVICES/$dec/dpa_size" "$(printf '%#x' "$per")" || return 1
        sysfs_write "$r/target$pos" "$dec" || return 1
        pos=$((pos + 1))
    done
    if [ "$commit" = commit ]; then
        sysfs_write "$r/commit" 1 || return 1
        sysfs_write /sys/bus/cxl/drivers/cxl_region/bind "$region" || return 1
    fi
    echo "$region"
}

# memdevs: the memdev names, sorted by number.
memdevs() {
    ls "$CXL_DEVICES" | grep '^mem[0-9]' | sort -k1.4 -n
}

# plan_regions committed|pending: the region plan of the fixtures for $CXLVM_TOPOLOGY.
#   committed: a 2-way interleaved region over the first two memdevs and a single-target one
#              (on the third memdev, or the first memdev's next decoder); ram1 has room for the
#              single-target one only (its host bridge has one passthrough decoder)
#   pending:   one more region created but not committed (targets set; on ram1 sized only)
plan_regions() {
    MiB=1048576
    set -- "$1" $(memdevs)
    stage=$1; shift
    type=ram
    [ "$CXLVM_TOPOLOGY" = pmem2 ] && type=pmem
    case "$CXLVM_TOPOLOGY:$stage" in
        ram1:committed) make_region ram $((256 * MiB)) commit "$1" ;;
        ram1:pending) make_region ram $((256 * MiB)) notargets "$1" ;;
        ram3:committed) make_region ram $((256 * MiB)) commit "$1" "$2" && make_region ram $((256 * MiB)) commit "$3" ;;
        ram3:pending) make_region ram $((256 * MiB)) nocommit "$1" ;;
        pmem2:committed|switch2:committed)
            make_region $type $((256 * MiB)) commit "$1" "$2" && make_region $type $((256 * MiB)) commit "$1" ;;
        pmem2:pending|switch2:pending) make_region $type $((256 * MiB)) nocommit "$2" ;;
        *) echo "regions.sh: no region plan for $CXLVM_TOPOLOGY $stage" >&2; return 1 ;;
    esac
}

# await_dax_driver DAX DRIVER: until dax device DAX is bound to DRIVER (at most 10 s; kmem binds a
# new region's dax device asynchronously).
await_dax_driver() {
    i=0
    while [ "$(basename "$(readlink "/sys/bus/dax/devices/$1/driver")")" != "$2" ] && [ $i -lt 100 ]; do
        sleep 0.1; i=$((i+1))
    done
}
