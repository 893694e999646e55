#!/bin/sh
# train-cds.sh CHECKOUT: writes cli/target/cxlctl.jsa and cxld/target/cxld.jsa, class-data-sharing
# archives (JDK 13+ -XX:ArchiveClassesAtExit) of the classes cxld and cxlctl load to answer a
# `list` on the bundled capture. The launchers map them when they are newer than the jar: about a
# third off cxlctl's start-up on a host, more in a TCG guest where parsing and verifying classes is
# emulated. Run by `mvn package` (cli/pom.xml) after the jars are built. An archive only serves the
# java that wrote it; with another (or a stale archive) the JVM ignores it (the launchers silence
# the warning), so a failure here costs speed, never correctness: it warns and exits 0.
set -u
top=$1
cli=$top/cli/target/cxlctl.jar
daemon=$top/cxld/target/cxld.jar
capture=$top/cxld/src/test/resources/sysfs/ram3-committed
warn() { echo "train-cds: $*; the launchers run without an archive" >&2; exit 0; }
[ -f "$cli" ] || warn "no $cli"
[ -f "$daemon" ] || warn "no $daemon (build the whole reactor)"
rm -f "$top/cli/target/cxlctl.jsa" "$top/cxld/target/cxld.jsa"
tmp=$(mktemp -d) || warn "no temporary directory"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
quiet="-Xlog:cds=off,cds+dynamic=off"
"$top/cxld/bin/cxld" materialize-capture "$capture" "$tmp/sys" > /dev/null || warn "materializing $capture failed"
CXLD_JAVA_OPTS="-XX:ArchiveClassesAtExit=$tmp/cxld.jsa $quiet" \
    "$top/cxld/bin/cxld" --sysfs-root "$tmp/sys" --socket "$tmp/cxld.sock" 2> "$tmp/cxld.log" &
pid=$!
i=0
until [ -S "$tmp/cxld.sock" ]; do
    i=$((i + 1))
    { [ $i -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; } && warn "cxld did not start: $(cat "$tmp/cxld.log")"
    sleep 0.1
done
CXLCTL_JAVA_OPTS="-XX:ArchiveClassesAtExit=$tmp/cxlctl.jsa $quiet" \
    "$top/cli/bin/cxlctl" --socket "$tmp/cxld.sock" list -M -R -T -u -D -E -vv > "$tmp/list.json" \
    || warn "cxlctl list failed"
"$top/cli/bin/cxlctl" --socket "$tmp/cxld.sock" status > /dev/null || warn "cxlctl status failed"
kill "$pid"; wait "$pid" 2>/dev/null; pid=
[ -s "$tmp/cxld.jsa" ] && [ -s "$tmp/cxlctl.jsa" ] || warn "the JVM wrote no archive"
mv "$tmp/cxlctl.jsa" "$top/cli/target/cxlctl.jsa" && mv "$tmp/cxld.jsa" "$top/cxld/target/cxld.jsa" || warn "cannot move the archives"
echo "train-cds: wrote cli/target/cxlctl.jsa and cxld/target/cxld.jsa"
