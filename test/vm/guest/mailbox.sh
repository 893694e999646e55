#!/bin/sh
# Guest side of MailboxVmIT: mailbox commands through cxld against the emulated devices, beside
# ndctl's view of the same devices. Into $CXLVM_OUT:
#   ndctl-*.json / cxlctl-*.json    `cxl list` and `cxlctl list` with the same flags (see flags.txt)
#   cxld-*.json                     `cxld list` with them: no daemon, the mailbox opened by cxld list
#   <command>.json                  cxlctl identify|partition|fw-info|logs|timestamp|commands|health mem0
#   sp-*.{cxlctl,ndctl}.*           set-partition by both, side by side (lib/cxld.sh's both)
#   alert-*.{out,err,rc}            alert-config and set-alert-config
#   errno.txt                       ErrnoProbe: what the kernel answers to bad ioctls
#   labels.txt                      (pmem2) the label round trip, step by step
set -e
. test/vm/guest/lib/cxld.sh # CXLD_SOCKET=/tmp/cxld.sock, O=$CXLVM_OUT, step, both
cxld/bin/cxld --rescan-interval 600 > "$O/cxld.log" 2>&1 &
i=0; while [ ! -S $CXLD_SOCKET ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
printf '%s\n' "-M -I" "-M -I -u" > "$O/flags.txt"
n=0
while read -r flags; do
    n=$((n + 1))
    cxl list $flags > "$O/ndctl-$n.json" 2> "$O/ndctl-$n.err"
    cli/bin/cxlctl list $flags > "$O/cxlctl-$n.json" 2> "$O/cxlctl-$n.err"
    cxld/bin/cxld list $flags > "$O/cxld-$n.json" 2> "$O/cxld-$n.err"
done < "$O/flags.txt"
for c in identify partition fw-info logs timestamp commands health; do
    cli/bin/cxlctl $c mem0 > "$O/$c.json" 2> "$O/$c.err"
done
# set-partition, ndctl's cxl and cxlctl side by side: the same decision from Identify (QEMU's
# devices report no partitionable capacity), Get Partition Info read back after
both sp-too-big set-partition mem0 -t pmem -s 1T
both sp-ram set-partition mem0 -t ram -s 256M
cli/bin/cxlctl partition mem0 > "$O/sp-partition-after.json" 2>&1 || true
# set-alert-config (ndctl 76.1 has none): QEMU's devices do not list Set Alert Configuration in
# their Command Effects Log, so the kernel does not enable it; a bad threshold is refused before
step alert-config cli/bin/cxlctl alert-config mem0
step alert-set cli/bin/cxlctl set-alert-config mem0 -L 30 --life-used-alert on -O 60 --over-temperature-alert on
step alert-bad cli/bin/cxlctl set-alert-config mem0 -L 101 --life-used-alert on
# the poison list, the kernel's way: inject through debugfs, then cxlctl poison (trigger + trace events)
mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
echo 0x2000 > /sys/kernel/debug/cxl/mem1/inject_poison
cli/bin/cxlctl poison mem1 > "$O/poison.json" 2> "$O/poison.err"
java -cp cxld/target/cxld.jar:cxld/target/test-classes dev.cxld.daemon.nativeio.ErrnoProbe /dev/cxl/mem0 > "$O/errno.txt" 2>&1

if [ "$CXLVM_TOPOLOGY" = pmem2 ]; then
    L=$O/labels.txt
    head -c 4096 /dev/urandom > /tmp/pattern
    # the nvdimm bridge holds the labels: writing is refused
    if cli/bin/cxlctl labels write mem0 -O 8192 -i /tmp/pattern 2> /tmp/err; then echo "held-write ok" >> "$L";
    else echo "held-write refused $? $(cat /tmp/err)" >> "$L"; fi
    # cxl_nvdimm has no unbind file (suppress_bind_attrs): unloading cxl_pmem lets go of the labels
    modprobe -r cxl_pmem 2>> "$L" || rmmod cxl_pmem 2>> "$L"
    [ -e /sys/bus/cxl/drivers/cxl_nvdimm ] && echo "cxl_nvdimm still loaded" >> "$L"
    cli/bin/cxlctl labels write mem0 -O 8192 -i /tmp/pattern 2>> "$L" && echo "write ok" >> "$L"
    cli/bin/cxlctl labels read mem0 -O 8192 -s 4096 -o /tmp/back 2>> "$L"
    cmp /tmp/pattern /tmp/back && echo "read-back equal" >> "$L"
    # ndctl reads the same bytes through its own path
    cxl read-labels mem0 -O 8192 -s 4096 -o /tmp/ndctl-back 2>> "$L"
    cmp /tmp/pattern /tmp/ndctl-back && echo "ndctl-read equal" >> "$L"
    cli/bin/cxlctl labels zero mem0 -O 8192 -s 4096 2>> "$L"
    cli/bin/cxlctl labels read mem0 -O 8192 -s 4096 -o /tmp/zero 2>> "$L"
    head -c 4096 /dev/zero | cmp - /tmp/zero && echo "zeroed equal" >> "$L"
    # a reader (not root, not in the admin group) may read labels but not write them
    if setpriv --reuid=65534 --regid=65534 --clear-groups cli/bin/cxlctl labels zero mem0 -s 16 2>> "$L"; then
        echo "nobody-zero ok" >> "$L"; else echo "nobody-zero refused $?" >> "$L"; fi
    modprobe cxl_pmem 2>> "$L" || true
fi
