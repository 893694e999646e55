# Helpers for guest scripts that run cxld, with lib/regions.sh's; CXLD_SOCKET (default
# /tmp/cxld.sock) and O (the output dir, default $CXLVM_OUT) may be set before:
#   . test/vm/guest/lib/cxld.sh
. test/vm/guest/lib/regions.sh
export CXLD_SOCKET=${CXLD_SOCKET:-/tmp/cxld.sock}
O=${O:-$CXLVM_OUT}

# step NAME CMD...: run CMD, keep its stdout, stderr and exit status in $O/NAME.{out,err,rc}.
step() {
    name=$1; shift
    set +e; "$@" > "$O/$name.out" 2> "$O/$name.err"; echo $? > "$O/$name.rc"; set -e
}

# both NAME ARGS...: `cxlctl ARGS` and ndctl's `cxl ARGS`, each kept in
# $O/NAME.{cxlctl,ndctl}.{out,err,rc}.
both() {
    name=$1; shift
    set +e
    cli/bin/cxlctl "$@" > "$O/$name.cxlctl.out" 2> "$O/$name.cxlctl.err"; echo $? > "$O/$name.cxlctl.rc"
    cxl "$@" > "$O/$name.ndctl.out" 2> "$O/$name.ndctl.err"; echo $? > "$O/$name.ndctl.rc"
    set -e
}

# stamp NAME: "NAME <epoch seconds>" into $O/times.txt, right after a change was written.
stamp() { echo "$1 $(date +%s.%N)" >> "$O/times.txt"; }

# subscribers: how many monitor streams cxld serves (python3 is on the host's root, which the
# guest shares); fails while cxld does not answer.
subscribers() {
    python3 -c 'import socket,json,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"{\"id\":1,\"op\":\"status\"}\n")
print(json.loads(s.makefile().readline())["result"]["daemon"]["monitor_subscribers"])' "$CXLD_SOCKET"
}

# wait_for_cxld: until cxld answers on $CXLD_SOCKET (at most 15 s).
wait_for_cxld() {
    i=0; while ! subscribers > /dev/null 2>&1 && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done
}

# start_cxld [ARGS]: cxld on the live /sys in the background, its state in /tmp/state, its pid in
# /tmp/cxld.pid, its log appended to $O/cxld.log, ARGS added to its command line; returns once it
# answers.
start_cxld() {
    cxld/bin/cxld --state-dir /tmp/state --rescan-interval 600 "$@" >> "$O/cxld.log" 2>&1 &
    echo $! > /tmp/cxld.pid
    wait_for_cxld
}

# wait_for_monitor: until a monitor stream is attached (at most 15 s).
wait_for_monitor() {
    i=0; while [ "$(subscribers 2>/dev/null)" != 1 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done
}

# json_field FILE KEY: a top-level string of a JSON file.
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# active: how many handoffs cxld has active (fails while cxld does not answer)
active() {
    python3 -c 'import socket,json,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"{\"id\":1,\"op\":\"status\"}\n")
print(len(json.loads(s.makefile().readline())["result"]["handoffs"]["active"]))' "$CXLD_SOCKET"
}
# await_active N NAME: until N handoffs are active (at most 90 s: a cxlctl starts slowly here);
# the count then goes to $O/NAME.active
await_active() {
    i=0; while [ "$(active 2>/dev/null)" != "$1" ] && [ $i -lt 900 ]; do sleep 0.1; i=$((i+1)); done
    active > "$O/$2.active" 2>&1 || true
}

# status_to FILE: cxld's status document into FILE (over the socket: no JVM to start)
status_to() {
    python3 -c 'import socket,json,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"{\"id\":1,\"op\":\"status\"}\n")
print(json.dumps(json.loads(s.makefile().readline())["result"]))' "$CXLD_SOCKET" > "$1"
}
