#!/bin/sh
# Guest side of RegionVmIT (ram3): region lifecycle through cxlctl, checked against sysfs and ndctl.
# Each step's stdout/stderr/exit into $CXLVM_OUT/<step>.{out,err,rc}.
set -e
export CXLD_SOCKET=/tmp/cxld.sock
O=$CXLVM_OUT
step() { name=$1; shift; set +e; "$@" > "$O/$name.out" 2> "$O/$name.err"; echo $? > "$O/$name.rc"; set -e; }
cxld/bin/cxld --state-dir /tmp/state --rescan-interval 600 > "$O/cxld.log" 2>&1 &
i=0; while [ ! -S $CXLD_SOCKET ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done
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
step destroy-held cli/bin/cxlctl destroy-region -f "$(cat "$O/create-single.out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["region"])')"
single=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["region"])' "$O/create-single.out")
step disable-held cli/bin/cxlctl disable-region "$single"
step detach cli/bin/cxlctl detach-region "$3"
step destroy-enabled cli/bin/cxlctl destroy-region "$single"
step destroy cli/bin/cxlctl destroy-region -f "$single"
ls /sys/bus/cxl/devices | grep '^region' > "$O/regions-after-destroy.txt" || true
cat "/sys/bus/cxl/devices/$(cat /sys/bus/cxl/devices/decoder0.0/create_ram_region >/dev/null; echo decoder0.0)/size" > /dev/null
step attach-create cli/bin/cxlctl attach-region --create "$3"
r=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["region"])' "$O/attach-create.out" 2>/dev/null || echo none)
printf '%s %s\n' "$(cat /sys/bus/cxl/devices/$r/resource 2>/dev/null)" "$(cat /sys/bus/cxl/devices/$r/size 2>/dev/null)" > "$O/attach-create-sysfs.txt"
cxl list -R > "$O/ndctl-final.json"
