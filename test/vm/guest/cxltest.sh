#!/bin/sh
# Guest side of CxlTestVmIT (cxltest): cxld on the kernel's own CXL mock (cxl_test), where QEMU
# cannot go: list parity with ndctl over the whole mock topology, mailbox commands answered by
# cxl_mock_mem, the firmware-committed ("auto") region and the attach policy on it, sanitize,
# poison injection, DPA reservation, set-partition beside ndctl's and set-alert-config. Each
# step's stdout/stderr/exit into $CXLVM_OUT/<step>.*; what the kernel did is read back from sysfs,
# /proc/iomem and debugfs beside it.
set -e
. test/vm/guest/lib/cxld.sh # CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT, step, start_cxld
modprobe cxl_test
udevadm settle --timeout=60
cat /sys/bus/cxl/devices/*/modalias 2>/dev/null | sort -u > "$O/modaliases.txt" || true
start_cxld

# 1. list parity: the same flags to ndctl's cxl and to cxlctl
printf '%s\n' "-M" "-R -T" "-B" "-P -T" "-D" "-E" "-v" "-vv" "-M -u" "-b cxl_test -D -d root" \
    "-M -p cxl_switch_uport.0" "-M -d decoder0.0" "-D -r region0 -d switch" > "$O/flags.txt"
n=0
while read -r flags; do
    n=$((n + 1))
    cxl list $flags > "$O/ndctl-$n.json" 2> "$O/ndctl-$n.err" || true
    cli/bin/cxlctl list $flags > "$O/cxlctl-$n.json" 2> "$O/cxlctl-$n.err" || true
done < "$O/flags.txt"

# 2. mailbox commands on a mock device
m=$(cli/bin/cxlctl list -M | python3 -c 'import json,sys; print(sorted(x["memdev"] for x in json.load(sys.stdin) if "pmem_size" in x)[0])')
echo "$m" > "$O/memdev.txt"
for c in identify health partition fw-info alert-config logs timestamp commands; do
    step "mbox-$c" cli/bin/cxlctl $c "$m"
done
cat "/sys/bus/cxl/devices/$m/firmware_version" > "$O/sysfs-firmware_version.txt"
# the same Get Health Info, as the metrics show it
cli/bin/cxlctl metrics > "$O/metrics.prom" 2> "$O/metrics.err"

# 3. the auto region: committed by "firmware" at probe, two targets, so no attach
auto=$(cli/bin/cxlctl list -R | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[0]["region"] if r else "none")')
echo "$auto" > "$O/auto.txt"
cli/bin/cxlctl list -R -T -r "$auto" > "$O/auto.json"
amem=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["mappings"][0]["memdev"])' "$O/auto.json")
step attach-auto cli/bin/cxlctl attach-region "$amem"

# 4. the attach policy on a single-target region made on a free memdev under the same root
free=$(cli/bin/cxlctl list -M -d decoder0.0 | python3 -c '
import json,sys
taken=set(m["memdev"] for m in json.load(open(sys.argv[1]))[0]["mappings"])
print([m["memdev"] for m in json.load(sys.stdin) if m["memdev"] not in taken and "ram_size" in m][0])' "$O/auto.json")
echo "$free" > "$O/free.txt"
step create cli/bin/cxlctl create-region -d decoder0.0 -t ram -s 256M -m "$free"
region=$(json_field "$O/create.out" region)
step attach cli/bin/cxlctl attach-region "$free" --owner cxltest
step disable-held cli/bin/cxlctl disable-memdev "$free" --force
cat "/sys/bus/cxl/devices/$region/commit" > "$O/commit-while-held.txt"
grep -i "cxl\|dax" /proc/iomem > "$O/iomem-held.txt" || true
ls /sys/bus/cxl/devices/$region/ > "$O/region-dir.txt"
step detach cli/bin/cxlctl detach-region "$free"
step destroy cli/bin/cxlctl destroy-region -f "$region"
ls /sys/bus/cxl/devices | grep '^region' > "$O/regions-after.txt" || true

# 5. sanitize: an idle memdev sanitizes in the background; wait-sanitize waits it out
idle=$(cli/bin/cxlctl list -M | python3 -c '
import json,sys
busy=set()
import subprocess
for r in json.loads(subprocess.run(["cli/bin/cxlctl","list","-R","-T"],capture_output=True,text=True).stdout or "[]"):
    busy.update(m["memdev"] for m in r.get("mappings",[]))
print([m["memdev"] for m in json.load(sys.stdin) if m["memdev"] not in busy and "pmem_size" in m][-1])')
hostdev=$(basename "$(readlink -f /sys/bus/cxl/devices/$idle/..)")
echo "$idle $hostdev" > "$O/sanitize-target.txt"
echo 2000 > "/sys/bus/platform/devices/$hostdev/sanitize_timeout"
start=$(date +%s%N)
echo 1 > "/sys/bus/cxl/devices/$idle/security/sanitize"
cat "/sys/bus/cxl/devices/$idle/security/state" > "$O/sanitize-state-during.txt"
step wait-sanitize cli/bin/cxlctl wait-sanitize "$idle"
echo $(( ($(date +%s%N) - start) / 1000000 )) > "$O/sanitize-ms.txt"
cat "/sys/bus/cxl/devices/$idle/security/state" > "$O/sanitize-state-after.txt"

# 6. poison: injected through cxlctl, seen in the kernel's poison list (ndctl 76.1 has no --media-errors)
step poison-injectable cli/bin/cxlctl list -m "$m"
step inject cli/bin/cxlctl inject-media-poison "$m" -a 0x40001000
step list-poisoned cli/bin/cxlctl list -m "$m" --media-errors
step clear cli/bin/cxlctl clear-media-poison "$m" -a 0x40001000
step list-cleared cli/bin/cxlctl list -m "$m" -L

# 7. DPA: reserve on the next free endpoint decoder, read back, free
step reserve cli/bin/cxlctl reserve-dpa -t pmem -s 256M "$idle"
d=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["decoder"]["decoder"])' "$O/reserve.out" 2>/dev/null || echo none)
echo "$d $(cat /sys/bus/cxl/devices/$d/mode 2>/dev/null) $(cat /sys/bus/cxl/devices/$d/dpa_size 2>/dev/null)" > "$O/reserved-sysfs.txt"
step free cli/bin/cxlctl free-dpa -t pmem "$idle"
echo "$d $(cat /sys/bus/cxl/devices/$d/dpa_size 2>/dev/null)" > "$O/freed-sysfs.txt"

# 7b. set-partition beside ndctl's: the mock reports 256 MiB alignment and 2 GiB of partitionable
# capacity, so both validate the same way, then the kernel refuses Set Partition Info (not in the
# mock's Command Effects Log); set-alert-config likewise. Partition info read back after.
cli/bin/cxlctl partition "$m" > "$O/sp-partition-before.json" 2>&1 || true
both sp-too-big set-partition "$m" -t pmem -s 3G
both sp-unaligned set-partition "$m" -t ram -s 100M
both sp-aligned set-partition "$m" -t ram -s 100M -a
both sp-pmem set-partition "$m" -t pmem -s 512M
cli/bin/cxlctl partition "$m" > "$O/sp-partition-after.json" 2>&1 || true
step alert-set cli/bin/cxlctl set-alert-config "$m" -L 30 --life-used-alert on

# 7c. monitor beside ndctl's: the kernel's CXL trace events for one memdev's event logs (the mock's
# event_trigger: general media, DRAM and memory module records) printed by `cxl monitor` and logged
# by `cxlctl monitor --daemon --format ndctl -l`, both running at once (76.1's `cxl monitor -l FILE`
# leaves its lines in a stdio buffer until it has 4 KiB, so it is read on its standard output)
cxl monitor > "$O/ndctl-monitor.log" 2> "$O/ndctl-monitor.err" &
ndmon=$!
listening=$(subscribers)
step monitor-daemon cli/bin/cxlctl monitor --daemon --format ndctl -l "$O/cxlctl-monitor.log"
# ready: cxl monitor's instance has the cxl events enabled and it waits in epoll; cxld has one more
# subscriber. cxl monitor (76.1) epolls the instance's trace_pipe, which 6.12 wakes only once the
# buffer is buffer_percent (50 %) full, so a few events never reach it: set it to 0 (cxl monitor
# does not; cxld reads its own instance without that wait).
I=/sys/kernel/tracing/instances/cxl_monitor
i=0
while { [ "$(cat $I/events/cxl/enable 2>/dev/null)" != 1 ] || [ "$(cat /proc/$ndmon/wchan 2>/dev/null)" != do_epoll_wait ] \
        || [ "$(subscribers)" -le "$listening" ]; } && [ $i -lt 600 ]; do
    sleep 0.1; i=$((i + 1))
done
echo 0 > $I/buffer_percent
host=$(basename "$(readlink -f "/sys/bus/cxl/devices/$m/..")")
echo "$host" > "$O/monitor-host.txt"
echo 1 > "/sys/bus/platform/devices/$host/event_trigger"
i=0
while [ $i -lt 150 ]; do # both logs have the events (at most 15 s), then a little more for late ones
    n=$(wc -l < "$O/ndctl-monitor.log"); c=$(wc -l < "$O/cxlctl-monitor.log")
    [ "$n" -gt 0 ] && [ "$n" -le "$c" ] && break
    sleep 0.1; i=$((i + 1))
done
sleep 2
kill "$ndmon" 2>/dev/null || true
pkill -f 'monitor --format ndctl' || true

# 8. cxl_test unloaded under cxld: the whole topology goes, and cxld says so
modprobe -r cxl_test
udevadm settle --timeout=60
status_to "$O/status-unloaded.json"
kill "$(cat /tmp/cxld.pid)"; wait "$(cat /tmp/cxld.pid)" 2>/dev/null || true
