#!/bin/bash
# cxld as Debian's systemd runs it (cxlvm --systemd: systemd is PID 1, the root a writable overlay
# of the host's): the package installed with apt-get, then what the unit promises, each checked
# against systemd's own view (systemctl show, the journal) and the kernel's (/proc/iomem, sysfs).
# Prints "ok NAME" per check; the first failure prints "FAIL NAME: why" and exits 1.
set -u
O=${CXLVM_OUT:-/tmp}
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; journalctl -u cxld -u cxld.socket --no-pager -o short-monotonic > "$O/journal.txt" 2>&1; exit 1; }
check() { name=$1; shift; if "$@" > "$O/$name.out" 2>&1; then ok "$name"; else fail "$name" "$(tail -n 5 "$O/$name.out" | tr '\n' ' ')"; fi; }
prop() { systemctl show -p "$2" --value "$1"; }
# st EXPR: evaluates EXPR (python) on `cxlctl status` bound to s (a command, for sh -c)
cat > /usr/local/bin/st <<'ST'
#!/bin/sh
cxlctl status | python3 -c 'import json,sys; s=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
ST
chmod +x /usr/local/bin/st
wait_until() { # wait_until SECONDS CMD...: until CMD succeeds
    local n=$(( $1 * 5 )); shift
    while ! "$@" > /dev/null 2>&1; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.2; done
}
for i in $(seq 1 100); do [ -e /sys/bus/cxl/devices/endpoint2 ] && break; echo 1 > /sys/bus/cxl/flush 2>/dev/null; sleep 0.2; done

# A container image's policy-rc.d (exit 101: start nothing) stays with the container; the guest is a host.
rm -f /usr/sbin/policy-rc.d
deb=$(ls -t "$PWD"/cli/target/cxld_*_all.deb | head -n 1)
[ -n "$deb" ] || fail install "no cli/target/cxld_*_all.deb: build with mvn package"
check install apt-get install -y "$deb"
check group getent group cxl
check enabled sh -c '[ "$(systemctl is-enabled cxld.service)" = enabled ] && [ "$(systemctl is-enabled cxld.socket)" = enabled ]'
check started-by-postinst systemctl is-active cxld.service cxld.socket
check on-path sh -c 'cxlctl --version && test -x /usr/sbin/cxld'
check man-pages sh -c 'man -w cxlctl-list && man -w 8 cxld && man cxlctl 2>/dev/null | grep -q attach-region'
check zsh-completion zsh -fc 'fpath=(/usr/share/zsh/vendor-completions $fpath); autoload -U compinit && compinit -u && [ "$_comps[cxlctl]" = _cxlctl ] && autoload -U +X bashcompinit && bashcompinit && source /usr/share/bash-completion/completions/cxlctl && whence -w _complete_cxlctl'
check bash-completion bash -c '. /usr/share/bash-completion/completions/cxlctl; COMP_WORDS=(cxlctl lis); COMP_CWORD=1; COMP_LINE="cxlctl lis"; COMP_POINT=${#COMP_LINE}; _complete_cxlctl; printf "%s\n" "${COMPREPLY[@]}" | grep -qx list'

# Type=notify: `systemctl start` returns once cxld said READY=1, and cxld answers at that moment
systemctl stop cxld.socket cxld.service
check start systemctl start cxld.service
check answers-when-active sh -c 'test -S /run/cxld/cxld.sock && cxlctl list -M | grep -q "\"memdev\":\"mem0\""'
start_us=$(prop cxld ExecMainStartTimestampMonotonic); active_us=$(prop cxld ActiveEnterTimestampMonotonic)
echo "exec to ready: $(( (active_us - start_us) / 1000 )) ms" > "$O/ready-ms.txt"
check active-after-ready test $((active_us - start_us)) -gt 200000
check status-text sh -c "systemctl show -p StatusText --value cxld | grep -q '^serving 1 memdevs'"
check not-activated sh -c "[ \"\$(st 's[\"daemon\"][\"service\"][\"socket_activated\"]')\" = False ]"
check mailbox-under-hardening sh -c 'cxlctl identify mem0 | grep -q "\"memdev\""'

# socket activation: with only cxld.socket listening, a cxlctl call starts cxld
systemctl stop cxld.service
systemctl start cxld.socket
check inactive-before-call sh -c '! systemctl is-active --quiet cxld.service'
check call-through-socket sh -c 'cxlctl list -M | grep -q "\"memdev\":\"mem0\""'
check started-by-socket systemctl is-active cxld.service
check activated sh -c "[ \"\$(st 's[\"daemon\"][\"service\"][\"socket_activated\"]')\" = True ]"

# reload: new options and an accelerator apply; a broken file is refused, the running config kept
mkdir -p /etc/cxld/cxld.conf.d
mkdir -p /var/lib/prometheus/node-exporter /etc/kubernetes/node-feature-discovery/features.d
printf '[daemon]\nmax-connections-per-user = 9\nmetrics-textfile = /var/lib/prometheus/node-exporter/cxld.prom\nnfd-features = /etc/kubernetes/node-feature-discovery/features.d/cxld\nmetrics-interval = 2\n\n[accelerator accel0]\nserial = 0x100\ncreate-region = yes\nholder = systemd-test\n' \
    > /etc/cxld/cxld.conf.d/50-test.conf
check check-config sh -c '/usr/sbin/cxld --check-config | grep -q "accelerator accel0"'
check reload systemctl reload cxld
check reload-by-signal sh -c 'kill -HUP "$(systemctl show -p MainPID --value cxld)"'
check reload-applied sh -c "[ \"\$(st 's[\"daemon\"][\"service\"][\"max_connections_per_user\"]')\" = 9 ]"
check accelerator-attached wait_until 120 sh -c "[ \"\$(st 's[\"accelerators\"][0][\"memdevs\"][0][\"state\"]')\" = attached ]"
region=$(st 's["handoffs"]["active"][0]["region"]')
check region-not-ram sh -c "[ -n '$region' ] && ! grep -q 'System RAM (kmem)' /proc/iomem && ! ls /sys/bus/dax/drivers/kmem/ | grep -q dax"
printf '[daemon]\nmax-connections = lots\n' > /etc/cxld/cxld.conf.d/60-bad.conf
check check-config-refuses sh -c '/usr/sbin/cxld --check-config; [ $? -eq 78 ]'
check reload-bad-fails sh -c '! systemctl reload cxld'
check still-active systemctl is-active cxld.service
check bad-reload-refused sh -c "st 's[\"daemon\"][\"service\"][\"last_reload\"]' | grep -q \"'applied': False\" && st 's[\"daemon\"][\"service\"][\"last_reload\"][\"outcome\"]' | grep -q '60-bad.conf:2'"
check old-config-kept sh -c "[ \"\$(st 's[\"daemon\"][\"service\"][\"max_connections_per_user\"]')\" = 9 ]"
check refusal-status-text sh -c "systemctl show -p StatusText --value cxld | grep -q 'last reload refused'"
rm /etc/cxld/cxld.conf.d/60-bad.conf

# stop: clean, handoffs kept (the region stays out of System RAM and comes back with cxld)
check stop systemctl stop cxld.service
check stopped-cleanly sh -c '[ "$(systemctl show -p Result --value cxld)" = success ] && ! pgrep -f "[c]xld[.]jar"'
check handoff-recorded sh -c "ls /var/lib/cxld/ | grep -q . && grep -rq '$region' /var/lib/cxld/"
check handoff-kept sh -c "[ \"\$(st 's[\"handoffs\"][\"active\"][0][\"region\"]')\" = '$region' ] && ! grep -q 'System RAM (kmem)' /proc/iomem"

# what orchestration and people read, from the restarted cxld (the exports need a restart)
check tree-marks-handoff sh -c "cxlctl tree | tee /dev/stderr | grep -q '$region .*handed off to \"systemd-test\"'"
check metrics-parse sh -c 'cxlctl metrics > /tmp/m.prom && /usr/bin/python3 - /tmp/m.prom <<PY
import sys
from prometheus_client.parser import text_string_to_metric_families
v = {}
for f in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in f.samples:
        v[(s.name, tuple(sorted(s.labels.items())))] = s.value
assert v[("cxld_handoffs", (("state", "active"),))] == 1, v
assert v[("cxld_memdevs", (("state", "enabled"),))] == 1, v
# QEMU 10 answers Get Health Info as unsupported; the metric says what the device said
import json, subprocess
h = json.loads(subprocess.run(["cxlctl", "health", "mem0"], capture_output=True, text=True).stdout)
said = 1 if "health" in h else 0
assert v[("cxld_memdev_health_available", (("memdev", "mem0"),))] == said, (h, v)
assert (("cxld_memdev_health_status", (("flag", "maintenance_needed"), ("memdev", "mem0"))) in v) == bool(said)
PY'
check metrics-textfile wait_until 30 sh -c 'grep -q "^cxld_handoffs{state=\"active\"} 1" /var/lib/prometheus/node-exporter/cxld.prom'
check nfd-features wait_until 30 sh -c 'grep -qx "cxl.handoffs-active=1" /etc/kubernetes/node-feature-discovery/features.d/cxld && grep -qx "cxl.memdevs=1" /etc/kubernetes/node-feature-discovery/features.d/cxld && grep -qx "cxl.accelerator-regions-attached=1" /etc/kubernetes/node-feature-discovery/features.d/cxld'

# watchdog: a cxld that stops answering systemd's watchdog is killed and started again
mkdir -p /run/systemd/system/cxld.service.d
printf '[Service]\nWatchdogSec=6s\n' > /run/systemd/system/cxld.service.d/watchdog.conf
systemctl daemon-reload
systemctl restart cxld.service
pid=$(prop cxld MainPID); restarts=$(prop cxld NRestarts)
kill -STOP "$pid"
check watchdog-restart wait_until 90 sh -c "[ \"\$(systemctl show -p NRestarts --value cxld)\" -gt $restarts ] && systemctl is-active --quiet cxld && [ \"\$(systemctl show -p MainPID --value cxld)\" != $pid ]"
check watchdog-logged sh -c 'journalctl -u cxld --no-pager | grep -q "Watchdog timeout"'
check handoff-after-watchdog sh -c "[ \"\$(st 's[\"handoffs\"][\"active\"][0][\"region\"]')\" = '$region' ]"
rm -r /run/systemd/system/cxld.service.d; systemctl daemon-reload

# the journal: one entry per event, its syslog priority from the level, no raw <N> prefixes
journalctl -u cxld -o json --no-pager > "$O/journal.json"
check journal-priorities python3 - "$O/journal.json" <<'PY'
import json, sys
want = {"ERROR": "3", "WARN": "4", "INFO": "6"}
seen = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("SYSLOG_IDENTIFIER") != "cxld":
        continue
    m = e.get("MESSAGE", "")
    if isinstance(m, list):
        m = bytes(m).decode("utf-8", "replace")
    assert not m.startswith("<"), "a raw priority prefix: " + m
    level = m.split(" ", 1)[0]
    if level in want:
        assert e["PRIORITY"] == want[level], (m, e["PRIORITY"])
        seen[level] = seen.get(level, 0) + 1
assert seen.get("INFO") and seen.get("ERROR"), seen
print(seen)
PY

# removal stops everything and keeps the state; purge removes it
check remove apt-get remove -y cxld
check nothing-running sh -c '! pgrep -f "[c]xld[.]jar" && ! systemctl is-active --quiet cxld.socket && ! test -e /usr/lib/cxld'
check state-kept test -d /var/lib/cxld
check purge apt-get purge -y cxld
check state-purged sh -c '! test -e /var/lib/cxld && ! test -e /etc/cxld'
journalctl -u cxld -u cxld.socket --no-pager -o short-monotonic > "$O/journal.txt" 2>&1
echo "all checks passed"
