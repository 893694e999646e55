#!/bin/sh
# Guest side of RegionVmIT (ram3): region lifecycle through cxlctl, checked against sysfs and ndctl.
# Each step's stdout/stderr/exit into $CXLVM_OUT/<step>.{out,err,rc}.
set -e
. test/vm/guest/lib/cxld.sh # and lib/regions.sh; CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT
cxld/bin/cxld --state-dir /tmp/state --rescan-interval 600 > "$O/cxld.log" 2>&1 &
wait_for_cxld
set -- $(ls /sys/bus/cxl/devices | grep '^mem[0-9]' | sort -k1.4 -n)
echo "$1 $2 $3" > "$O/memdevs.txt"

step create-interleaved cli/bin/cxlctl create-region -t ram -w 2 -s 512M "$1" "$2"
step create-single cli/bin/cxlctl create-region -t ram -s 256M "$3"
cxl list -R -T > "$O/ndctl-regions.json"
step list-regions cli/bin/cxlctl list -R -T
# a create the kernel refuses part way: 1 GiB from a memdev with 256 MiB left
step create-too-big cli/bin/cxlctl create-region -t ram -s 1G "$1"
ls /sys/bus/cxl/devices | grep '^region' > "$O/regions-after-failure.txt"
step attach cli/bin/cxlctl attach-region "$3"
single=$(json_field "$O/create-single.out" region)
step destroy-held cli/bin/cxlctl destroy-region -f "$single"
step disable-held cli/bin/cxlctl disable-region "$single"
step detach cli/bin/cxlctl detach-region "$3"
step destroy-enabled cli/bin/cxlctl destroy-region "$single"
step destroy cli/bin/cxlctl destroy-region -f "$single"
ls /sys/bus/cxl/devices | grep '^region' > "$O/regions-after-destroy.txt" || true
step attach-create cli/bin/cxlctl attach-region --create "$3"
r=$(json_field "$O/attach-create.out" region 2>/dev/null || echo none)
printf '%s %s\n' "$(cat /sys/bus/cxl/devices/$r/resource 2>/dev/null)" "$(cat /sys/bus/cxl/devices/$r/size 2>/dev/null)" > "$O/attach-create-sysfs.txt"
cxl list -R > "$O/ndctl-final.json"
