#!/bin/sh
# train-cds.sh CHECKOUT: writes cli/target/cxlctl.jsa and cxld/target/cxld.jsa, class-data-sharing
# archives of the classes cxld and cxlctl load, on the bundled capture. The launchers map them when
# they are newer than the jar. Run by `mvn package` (cli/pom.xml) after the jars are built.
#  - cxld's is dynamic (JDK 13+ -XX:ArchiveClassesAtExit): one run, start to serving a `list`.
#  - cxlctl's is static (-Xshare:dump from class lists): the JDK's classes and cxlctl's, gathered
#    from several calls (the quick path: list, status, --version; picocli's: a mailbox verb, help,
#    an error), since one process sees only one of them. A static archive also holds picocli's
#    classes (class-file version 49), which a dynamic one leaves out on JDK 17.
# An archive records the jar's path and serves only the java that wrote it; with another (or a
# stale archive) the JVM ignores it (the launchers silence the warning), so a failure here costs
# speed, never correctness: it warns and exits 0.
set -u
top=$(cd "$1" && pwd -P) || { echo "train-cds: no directory $1" >&2; exit 0; }
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
# cxlctl's calls, each with its exit status (2: a usage error on purpose; 4: no such memdev),
n=0
# and ndctl's verbs, which say what they did ndctl's way: a port not found is a notice (0); no
# pmem DPA to free is an error (1); no region matched (0); no root decoder named (1)
for call in "0 list -M -R -T -u -D -E -vv" "0 status" "0 --version" "0 list --help" "0 attach-region --help" \
        "0 monitor --help" "0 --help" "2 list -S" "0 list -m mem0 -i -T" "4 identify mem9" \
        "0 disable-port port99" "1 free-dpa -t pmem mem0" "0 destroy-region region99" "1 create-region"; do
    n=$((n + 1))
    want=${call%% *}
    # shellcheck disable=SC2086 # the call's words
    CXLCTL_JAVA_OPTS="-Xshare:off -XX:DumpLoadedClassList=$tmp/cxlctl.$n.classlist" \
        "$top/cli/bin/cxlctl" --socket "$tmp/cxld.sock" ${call#* } > "$tmp/out" 2>&1
    got=$?
    [ "$got" = "$want" ] || warn "cxlctl ${call#* } exited $got: $(cat "$tmp/out")"
done
kill "$pid"; wait "$pid" 2>/dev/null; pid=
# one list, in the order the calls loaded them (a lambda proxy's line follows its caller class; a
# sorted list leaves lambdas out of the archive, to be spun again at every start), each line once
i=0; while [ $i -lt $n ]; do i=$((i + 1)); cat "$tmp/cxlctl.$i.classlist"; done | awk '!seen[$0]++' > "$tmp/cxlctl.classlist"
# the launcher's -jar path and collector: the archive records both
"${JAVA:-java}" -XX:+UseG1GC -XX:TieredStopAtLevel=1 -Xshare:dump -XX:SharedClassListFile="$tmp/cxlctl.classlist" \
    -XX:SharedArchiveFile="$tmp/cxlctl.jsa" -cp "$cli" > "$tmp/dump.log" 2>&1 || warn "dumping cxlctl's archive failed: $(tail -5 "$tmp/dump.log")"
[ -s "$tmp/cxld.jsa" ] && [ -s "$tmp/cxlctl.jsa" ] || warn "the JVM wrote no archive"
mv "$tmp/cxlctl.jsa" "$top/cli/target/cxlctl.jsa" && mv "$tmp/cxld.jsa" "$top/cxld/target/cxld.jsa" || warn "cannot move the archives"
echo "train-cds: wrote cli/target/cxlctl.jsa and cxld/target/cxld.jsa"
