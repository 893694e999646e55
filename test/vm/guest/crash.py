# Guest side of CrashVmIT (ram1): the reliability suite's crash, race and fault cases on the real
# kernel. cxld runs in the background (its log appended to OUT/cxld.log); requests go over its
# socket from here, so no JVM starts per request. What each case saw goes to OUT/crash.json as one
# object per case with one record per round; the Java side checks them.
#   python3 crash.py OUT MEMDEV CREATE_KILLS ATTACH_KILLS DESTROY_KILLS UNBIND_ROUNDS RACE_ROUNDS
#
# create:  SIGKILL at spread moments of create-region, then a restart: the create is finished or
#          rolled back at start (status.interrupted_changes), never left half-made
# attach:  the same for attach-region --create: a region exists afterwards if and only if a
#          handoff holds it
# destroy: the same for destroy-region: the region is whole or gone, never half torn down
# unbind:  the memdev unbound from cxl_mem at spread moments of an attach-region: one outcome,
#          released once, cxld serving
# race:    16 clients at once attaching, detaching, destroying and disabling one region, then 6
#          detaches at once: one winner at a time, the kernel's state what the answers say
# overrun: uevents flooded while cxld is stopped (SIGSTOP) until its netlink buffer overruns
#          (ENOBUFS), a region made meanwhile: cxld rescans and lists it
# full:    the state directory on a tiny tmpfs, filled (ENOSPC), then read-only: changes refused
#          with the reason, nothing half-done, status degraded, all well again once space is back
import json, os, random, signal, socket, subprocess, sys, threading, time

OUT, MEMDEV = sys.argv[1], sys.argv[2]
CREATE_KILLS, ATTACH_KILLS, DESTROY_KILLS, UNBIND_ROUNDS, RACE_ROUNDS = (int(a) for a in sys.argv[3:8])
SOCK = "/tmp/cxld.sock"
DEV = "/sys/bus/cxl/devices"
LOG = open(os.path.join(OUT, "cxld.log"), "ab")
rng = random.Random(20261203)
daemon = None
state_dir = "/tmp/state"


def mark(text):
    LOG.write(("--- crash.py: %s\n" % text).encode())
    LOG.flush()


def start(extra=()):
    global daemon
    if os.path.exists(SOCK):
        os.unlink(SOCK)
    daemon = subprocess.Popen(["cxld/bin/cxld", "--state-dir", state_dir, "--rescan-interval", "600", *extra],
                              stdout=LOG, stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            return call("status")["result"]
        except OSError:
            if daemon.poll() is not None:
                raise SystemExit("cxld exited with %s at start (see cxld.log)" % daemon.returncode)
            time.sleep(0.05)
    raise SystemExit("cxld did not answer within 90 s")


def kill():
    daemon.send_signal(signal.SIGKILL)
    daemon.wait()


def call(op, args=None, timeout=120):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(SOCK)
    req = {"id": 1, "op": op}
    if args is not None:
        req["args"] = args
    s.sendall((json.dumps(req) + "\n").encode())
    line = s.makefile().readline()
    s.close()
    if not line:
        raise ConnectionError("cxld closed the connection without an answer to " + op)
    return json.loads(line)


def ok(op, args=None):
    a = call(op, args)
    if not a.get("ok"):
        raise SystemExit("%s %s: %s" % (op, args, a))
    return a["result"]


class Pending:
    """A request whose answer is read in the background, so cxld can be killed while it is under way."""

    def __init__(self, op, args):
        self.answer = None
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(SOCK)
        self.s.sendall((json.dumps({"id": 1, "op": op, "args": args}) + "\n").encode())
        self.t = threading.Thread(target=self.read, daemon=True)
        self.t.start()

    def read(self):
        try:
            line = self.s.makefile().readline()
            if line:
                self.answer = json.loads(line)
        except OSError:
            pass

    def join(self, timeout=120):
        self.t.join(timeout)
        self.s.close()
        return self.answer


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def facts():
    """What the kernel has: regions (commit, bound, targets) and endpoint decoders (DPA, region)."""
    regions, decoders = {}, {}
    for n in sorted(os.listdir(DEV)):
        p = os.path.join(DEV, n)
        if n.startswith("region"):
            regions[n] = {"commit": read(p + "/commit"), "bound": os.path.exists(p + "/driver"),
                          "target0": read(p + "/target0"), "size": read(p + "/size")}
        elif n.startswith("decoder") and os.path.exists(p + "/dpa_size"):
            decoders[n] = {"dpa_size": int(read(p + "/dpa_size") or "0", 0), "region": read(p + "/region") or ""}
    return {"regions": regions, "decoders": decoders}


def cleanup():
    """Back to no region, no handoff: detach what is handed off, destroy what is left."""
    st = ok("status")
    for h in st["handoffs"]["active"]:
        ok("detach-region", {"target": h["memdev"], "force": True})
    for r in facts()["regions"]:
        ok("destroy-region", {"region": r, "force": True})


def timed(op, args):
    t = time.time()
    a = call(op, args)
    return time.time() - t, a


def kill_loop(name, kills, op, args, undo, prepare=lambda: None):
    """SIGKILL at moments spread over what one request takes, a restart after each; prepare() makes
    what the request needs, args(what it made) are the request's arguments."""
    d, a = timed(op, args(prepare()))
    if not a.get("ok"):
        raise SystemExit("%s: %s" % (op, a))
    undo()
    rounds = []
    for i in range(kills):
        made = prepare()
        delay = d * 1.2 * (i + rng.random()) / kills
        mark("%s kill %d after %.3f s" % (name, i, delay))
        p = Pending(op, args(made))
        time.sleep(delay)
        kill()
        answer = p.join(5)
        st = start()
        rounds.append({"delay": round(delay, 4), "answer": answer, "interrupted": st["interrupted_changes"],
                       "active": st["handoffs"]["active"], "degraded": st["degraded"], "facts": facts()})
        cleanup()
    return {"request_seconds": round(d, 4), "rounds": rounds}


def unbind_loop(rounds_wanted):
    ok("create-region", {"type": "ram", "memdevs": [MEMDEV]})
    d, a = timed("attach-region", {"memdev": MEMDEV})
    if not a.get("ok"):
        raise SystemExit("attach-region: %s" % a)
    ok("detach-region", {"target": MEMDEV})
    rounds = []
    for i in range(rounds_wanted):
        delay = d * 1.2 * (i + rng.random()) / rounds_wanted
        mark("unbind round %d after %.3f s" % (i, delay))
        p = Pending("attach-region", {"memdev": MEMDEV})
        time.sleep(delay)
        with open("/sys/bus/cxl/drivers/cxl_mem/unbind", "w") as f:
            f.write(MEMDEV)
        answer = p.join()
        time.sleep(2)  # the removal's uevents applied
        st = ok("status")
        r = {"delay": round(delay, 4), "answer": answer, "active": st["handoffs"]["active"],
             "revoked": len(st["handoffs"]["revoked"]), "facts": facts()}
        with open("/sys/bus/cxl/drivers/cxl_mem/bind", "w") as f:
            f.write(MEMDEV)
        deadline = time.time() + 30
        while time.time() < deadline and not any(
                m.get("memdev") == MEMDEV for m in ok("list", {"memdevs": True})):
            time.sleep(0.1)
        r["served_after"] = call("status").get("ok")
        rounds.append(r)
        cleanup()
        ok("create-region", {"type": "ram", "memdevs": [MEMDEV]})
    cleanup()
    return {"request_seconds": round(d, 4), "rounds": rounds}


def race(rounds_wanted):
    """16 clients at once on one fresh region: 8 attach, 4 detach, 2 destroy it, 2 disable it; then 6 detaches at once."""
    rounds = []
    for i in range(rounds_wanted):
        mark("race round %d" % i)
        region = ok("create-region", {"type": "ram", "memdevs": [MEMDEV]})["region"]
        ops = [("attach-region", {"memdev": MEMDEV})] * 8 + [("detach-region", {"target": MEMDEV})] * 4 \
            + [("destroy-region", {"region": region, "force": True})] * 2 + [("disable-region", {"region": region})] * 2
        rng.shuffle(ops)
        r = {"region": region, "ops": [o[0] for o in ops], "answers": at_once(ops)}
        st = ok("status")
        r["active"], r["revoked"], r["facts"] = st["handoffs"]["active"], len(st["handoffs"]["revoked"]), facts()
        r["detaches"] = at_once([("detach-region", {"target": MEMDEV})] * 6)
        st = ok("status")
        r["active_after"], r["revoked_after"], r["facts_after"] = st["handoffs"]["active"], \
            len(st["handoffs"]["revoked"]), facts()
        rounds.append(r)
        cleanup()
    return {"rounds": rounds}


def at_once(ops):
    """Each request on its own connection, all released together; their answers in order."""
    barrier = threading.Barrier(len(ops))
    answers = [None] * len(ops)

    def go(j):
        barrier.wait()
        a = call(*ops[j])
        answers[j] = {"ok": a.get("ok"), "code": a.get("error", {}).get("code"),
                      "message": a.get("error", {}).get("message")}

    threads = [threading.Thread(target=go, args=(j,)) for j in range(len(ops))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return answers


def overrun():
    before = ok("status")["refresh"]
    logged = log_count("netlink receive buffer overrun")
    mark("overrun: SIGSTOP, uevents flooded, a region made")
    daemon.send_signal(signal.SIGSTOP)
    made = subprocess.run(["sh", "-c", ". test/vm/guest/lib/regions.sh; make_region ram %d commit %s"
                           % (256 << 20, MEMDEV)], capture_output=True, text=True, check=True).stdout.strip()
    n = 0
    t = time.time()
    uevent = os.path.join(DEV, MEMDEV, "uevent")
    while n < 200000 and time.time() - t < 120:
        for _ in range(1000):
            with open(uevent, "w") as f:
                f.write("change")
        n += 1000
        if n % 20000 == 0 and overran():
            break
    daemon.send_signal(signal.SIGCONT)
    deadline = time.time() + 60
    seen = None
    while time.time() < deadline:
        st = ok("status")
        seen = [r["region"] for r in ok("list", {"regions": True})]
        if made in seen and st["refresh"]["full_rescans"] > before["full_rescans"]:
            break
        time.sleep(0.2)
    return {"uevents_written": n, "region": made, "listed": seen, "before": before, "after": ok("status")["refresh"],
            "overruns_logged": log_count("netlink receive buffer overrun") - logged, "dropped": drops(),
            "seconds": round(time.time() - t, 1)}


def log_count(text):
    LOG.flush()
    with open(os.path.join(OUT, "cxld.log"), errors="replace") as f:
        return f.read().count(text)


def overran():
    return drops() > 0


def drops():
    """Messages the kernel dropped for cxld's uevent socket (the Drops column of /proc/net/netlink)."""
    pid = str(daemon.pid)
    with open("/proc/net/netlink") as f:
        for line in f.readlines()[1:]:
            c = line.split()
            # sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode; protocol 15 is NETLINK_KOBJECT_UEVENT
            if c[1] == "15" and c[2] == pid:
                return int(c[8])
    return -1


def full():
    """The state directory on a 1 MiB tmpfs: filled, then read-only."""
    global state_dir
    kill()
    os.makedirs("/tmp/small", exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", "/tmp/small"], check=True)
    state_dir = "/tmp/small/state"
    start()
    region = ok("create-region", {"type": "ram", "memdevs": [MEMDEV]})["region"]
    filler = "/tmp/small/filler"

    def fill():  # until ENOSPC
        subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=4k"], capture_output=True)

    steps = {}
    fill()
    steps["attach_full"] = call("attach-region", {"memdev": MEMDEV})
    steps["status_full"] = ok("status")
    steps["destroy_full"] = call("destroy-region", {"region": region, "force": True})
    steps["regions_after_destroy_full"] = facts()["regions"]
    os.unlink(filler)
    steps["destroy_freed"] = call("destroy-region", {"region": region, "force": True})
    fill()
    steps["create_full"] = call("create-region", {"type": "ram", "memdevs": [MEMDEV]})
    steps["regions_after_create_full"] = sorted(facts()["regions"])
    os.unlink(filler)
    steps["create_freed"] = call("create-region", {"type": "ram", "memdevs": [MEMDEV]})
    steps["attach_freed"] = call("attach-region", {"memdev": MEMDEV})
    steps["status_freed"] = ok("status")
    subprocess.run(["mount", "-o", "remount,ro", "/tmp/small"], check=True)
    steps["detach_ro"] = call("detach-region", {"target": MEMDEV})
    steps["status_ro"] = ok("status")
    subprocess.run(["mount", "-o", "remount,rw", "/tmp/small"], check=True)
    kill()
    steps["restart"] = start()  # the handoff acknowledged, and not released, is there
    steps["detach_rw"] = call("detach-region", {"target": MEMDEV})
    steps["status_rw"] = ok("status")
    cleanup()
    return steps


report = {}
start()
cleanup()
report["create"] = kill_loop("create", CREATE_KILLS, "create-region", lambda _: {"type": "ram", "memdevs": [MEMDEV]},
                             cleanup)
report["attach"] = kill_loop("attach", ATTACH_KILLS, "attach-region", lambda _: {"memdev": MEMDEV, "create": True},
                             cleanup)
report["destroy"] = kill_loop("destroy", DESTROY_KILLS, "destroy-region", lambda r: {"region": r, "force": True},
                              cleanup, lambda: ok("create-region", {"type": "ram", "memdevs": [MEMDEV]})["region"])
report["unbind"] = unbind_loop(UNBIND_ROUNDS)
report["race"] = race(RACE_ROUNDS)
report["overrun"] = overrun()
cleanup()
report["full"] = full()
report["alive"] = daemon.poll() is None
kill()
with open(os.path.join(OUT, "crash.json"), "w") as f:
    json.dump(report, f, indent=1)
