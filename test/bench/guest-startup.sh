#!/bin/sh
# Guest side of test/bench/run: start-up of cxlctl inside a QEMU guest under software emulation
# (how every VM test and ndctl's suite run here), beside `java -version`, plain (the floor issue 12
# names) and with the launcher's JVM options, and ndctl's `cxl list -M`, cxld serving the live /sys. Three rounds after one
# warm-up round; writes a markdown table to $CXLVM_OUT/guest-startup.md.
set -e
. test/vm/guest/lib/cxld.sh
start_cxld
ms() { s=$(date +%s%N); "$@" > /dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
row() {
    label=$1; shift
    ms "$@" > /dev/null   # warm-up: the guest's shares and page cache
    runs="$(ms "$@") $(ms "$@") $(ms "$@")"
    sorted=$(printf '%s\n' $runs | sort -n | tr '\n' ' ')
    echo "| $label | $(echo "$sorted" | cut -d' ' -f2) ms | $(echo "$sorted" | cut -d' ' -f1) - $(echo "$sorted" | cut -d' ' -f3) ms |"
}
{
    echo "| command (guest: $CXLVM_TOPOLOGY, $CXLVM_KERNEL, TCG) | median of 3 | range |"
    echo "|---|---|---|"
    row '`java -version` (the floor issue 12 names)' java -version
    row '`java -XX:+UseG1GC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:CompileThresholdScaling=5 -XX:-UsePerfData -Xshare:auto -version` (the launcher'\''s options, without its archive)' java -XX:+UseG1GC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:CompileThresholdScaling=5 -XX:-UsePerfData -Xshare:auto -version
    row '`cxlctl --version`' cli/bin/cxlctl --version
    row '`cxlctl list -M`' cli/bin/cxlctl list -M
    row '`cxlctl status`' cli/bin/cxlctl status
    row '`cxlctl identify mem0` (picocli path)' cli/bin/cxlctl identify mem0
    row "\`cxl list -M\` ($(cxl --version))" cxl list -M
} > "$CXLVM_OUT/guest-startup.md"
cat "$CXLVM_OUT/guest-startup.md"
kill "$(cat /tmp/cxld.pid)"
