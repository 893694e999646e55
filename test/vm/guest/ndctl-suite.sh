#!/bin/bash
# ndctl's own CXL tests (test/cxl-*.sh and test/common of ndctl v85, read where they are, never
# copied) in the cxl_test guest, with $CXL set to TOOL: "cxlctl" (this checkout's, talking to a
# cxld started here on the live sysfs) or "ndctl" (Debian's cxl, for comparison). ndctl and
# daxctl are Debian's, for the parts of the tests that are not `cxl`.
#
# usage: ndctl-suite.sh TOOL TESTS_DIR [TEST...]   (default: every cxl-*.sh in TESTS_DIR)
# Writes $CXLVM_OUT/results.txt, one line per test: NAME pass|skip|fail SECONDS [LINE], and
# $CXLVM_OUT/NAME.log with the test's output (and, for cxlctl, cxld.log). Each test runs as meson
# runs it: LC_ALL=C, NDCTL/DAXCTL/CXL/TEST_PATH set, a 600 s timeout, one at a time; exit 77 is a
# skip. Exits 0 once every test has run, whatever they returned: the caller judges the results.
set -u
tool=$1 tests=$2; shift 2
checkout=$(pwd)
O=${CXLVM_OUT:?}
[ -f "$tests/common" ] || { echo "ndctl-suite: no ndctl tests in $tests" >&2; exit 2; }
if [ $# -eq 0 ]; then
    set -- $(cd "$tests" && ls cxl-*.sh)
fi
export LC_ALL=C NDCTL=/usr/bin/ndctl DAXCTL=/usr/bin/daxctl TEST_PATH=$tests DATA_PATH=$tests
case "$tool" in
    ndctl) export CXL=/usr/bin/cxl ;;
    cxlctl)
        export CXL=$checkout/cli/bin/cxlctl CXLD_SOCKET=/tmp/cxld.sock
        # cxld follows whatever the tests do to the topology, cxl_test loaded and unloaded included.
        "$checkout/cxld/bin/cxld" --state-dir /tmp/state --socket "$CXLD_SOCKET" >> "$O/cxld.log" 2>&1 &
        cxld_pid=$!
        i=0; while [ ! -S "$CXLD_SOCKET" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
        [ -S "$CXLD_SOCKET" ] || { echo "ndctl-suite: cxld did not start" >&2; cat "$O/cxld.log" >&2; exit 2; }
        ;;
    *) echo "ndctl-suite: TOOL is cxlctl or ndctl, not $tool" >&2; exit 2 ;;
esac
: > "$O/results.txt"
mkdir -p /tmp/ndctl-suite
for t in "$@"; do
    name=${t%.sh}
    start=$(date +%s)
    # The tests write scratch files in their working directory: a fresh one each.
    rm -rf /tmp/ndctl-suite/work && mkdir -p /tmp/ndctl-suite/work
    (cd /tmp/ndctl-suite/work && timeout -k 10 600 bash "$tests/$t") > "$O/$name.log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    case $rc in
        0) result=pass ;;
        77) result=skip ;;
        *) result=fail ;;
    esac
    line=$(sed -n 's/^test\/[^:]*: failed at line \([0-9]*\)$/\1/p' "$O/$name.log" | tail -n 1)
    [ "$rc" = 124 ] && line=timeout
    echo "$name $result $secs ${line:-}" | tee -a "$O/results.txt"
    # A test that failed midway can leave cxl_test loaded with regions: start the next clean.
    modprobe -r cxl_test >/dev/null 2>&1
done
if [ -n "${cxld_pid:-}" ]; then
    kill "$cxld_pid"; wait "$cxld_pid" 2>/dev/null
fi
exit 0
