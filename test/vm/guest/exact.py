#!/usr/bin/env python3
"""Guest side of ExactVmIT: raw sysfs writes interleaved with cxld queries, as fast as they go.

Each write (the steps of making and tearing down a region by hand) is followed at once by a `list`
(regions, decoders) and a `status` over cxld's socket; each answer is checked against sysfs read
right after it. Nothing else writes meanwhile, so an answer that differs from sysfs is stale.
Usage: exact.py SOCKET MEMDEV ROUNDS OUT.json
"""
import json
import os
import socket
import sys
import time

DEV = "/sys/bus/cxl/devices"
SOCKET, MEMDEV, ROUNDS, OUT = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sock = socket.socket(socket.AF_UNIX)
sock.connect(SOCKET)
reader = sock.makefile("rb")
ids = 0
latencies = []
checks = 0
stale = []


def ask(op, args=None):
    global ids
    ids += 1
    req = {"id": ids, "op": op}
    if args is not None:
        req["args"] = args
    t = time.monotonic()
    sock.sendall((json.dumps(req) + "\n").encode())
    answer = json.loads(reader.readline())
    latencies.append(time.monotonic() - t)
    if not answer.get("ok"):
        raise SystemExit("cxld refused %s: %s" % (op, answer))
    return answer["result"]


def read(path):
    with open(path) as f:
        return f.read().strip()


def write(path, value):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, (value + "\n").encode())
    finally:
        os.close(fd)


def num(text):
    return int(text, 0) if text else 0


def objects(tree):
    """The region, decoder and port objects of a cxl-list answer, by name, whatever their nesting."""
    regions, decoders, ports = {}, {}, {}
    stack = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            if "decoder" in x and "position" not in x:
                decoders[x["decoder"]] = x
            elif "region" in x and "decoder" not in x:
                regions[x["region"]] = x
            for kind in ("bus", "port", "endpoint"):
                if kind in x and isinstance(x[kind], str):
                    ports[x[kind]] = x
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
    return regions, decoders, ports


def attribute(name, attr):
    path = os.path.join(DEV, name, attr)
    return read(path) if os.path.exists(path) else None


def check(step, region, decoder):
    global checks
    listed = ask("list", {"buses": True, "ports": True, "endpoints": True, "regions": True, "decoders": True,
                          "idle": True})
    status = ask("status")
    regions, decoders, ports = objects(listed)
    # sysfs now, after the answers
    present = os.path.exists(os.path.join(DEV, region))
    got = regions.get(region)
    want = {}
    if present:
        r = os.path.join(DEV, region)
        want = {"size": num(read(r + "/size")), "interleave_ways": num(read(r + "/interleave_ways")),
                "interleave_granularity": num(read(r + "/interleave_granularity")),
                "decode_state": "commit" if read(r + "/commit") == "1" else "reset"}
    if present != (got is not None):
        stale.append("%s: %s %s in sysfs, %s in cxld's list" % (step, region, "present" if present else "absent",
                                                               "present" if got else "absent"))
    elif present:
        for k, v in want.items():
            if got.get(k, 0 if k == "size" else None) != v:
                stale.append("%s: %s %s is %r in sysfs, %r in cxld's list" % (step, region, k, v, got.get(k)))
    d = os.path.join(DEV, decoder)
    dpa = num(read(d + "/dpa_size"))
    sysfs_region = read(d + "/region") or None
    got_d = decoders.get(decoder, {})
    if got_d.get("dpa_size", 0) != dpa:
        stale.append("%s: %s dpa_size is %d in sysfs, %r in cxld's list" % (step, decoder, dpa, got_d.get("dpa_size")))
    if got_d.get("region") != sysfs_region:
        stale.append("%s: %s region is %r in sysfs, %r in cxld's list" % (step, decoder, sysfs_region,
                                                                          got_d.get("region")))
    # every decoder of the path a commit programs, and every port's count of committed decoders
    for name, got_x in decoders.items():
        if name == decoder:
            continue
        size_now = num(attribute(name, "size") or "0")
        if got_x.get("size", 0) != size_now:
            stale.append("%s: %s size is %d in sysfs, %r in cxld's list" % (step, name, size_now, got_x.get("size")))
        region_now = attribute(name, "region")
        if region_now is not None and got_x.get("region") != (region_now or None):
            stale.append("%s: %s region is %r in sysfs, %r in cxld's list" % (step, name, region_now or None,
                                                                              got_x.get("region")))
    for name, got_p in ports.items():
        committed_now = attribute(name, "decoders_committed")
        if committed_now is not None and "decoders_committed" in got_p \
                and got_p["decoders_committed"] != num(committed_now):
            stale.append("%s: %s decoders_committed is %s in sysfs, %r in cxld's list"
                         % (step, name, committed_now, got_p["decoders_committed"]))
    names = [n for n in os.listdir(DEV) if n.startswith("region")]
    committed = sum(1 for n in names if read(os.path.join(DEV, n, "commit")) == "1")
    counts = status["counts"]
    if counts["regions"] != len(names) or counts["regions_committed"] != committed:
        stale.append("%s: status counts %d regions, %d committed; sysfs has %d, %d committed"
                     % (step, counts["regions"], counts["regions_committed"], len(names), committed))
    checks += 1


def endpoint_decoder(memdev):
    for e in os.listdir(DEV):
        if e.startswith("endpoint") and os.path.basename(os.path.realpath(os.path.join(DEV, e, "uport"))) == memdev:
            n = e[len("endpoint"):]
            return "decoder%s.0" % n
    raise SystemExit("no endpoint for " + memdev)


root = "decoder0.0"
dec = endpoint_decoder(MEMDEV)
size = 256 << 20
before = ask("status")["refresh"]
started = time.monotonic()
for rnd in range(ROUNDS):
    region = read(os.path.join(DEV, root, "create_ram_region"))
    r = os.path.join(DEV, region)
    steps = [
        ("create", os.path.join(DEV, root, "create_ram_region"), region),
        ("granularity", r + "/interleave_granularity", "256"),
        ("ways", r + "/interleave_ways", "1"),
        ("size", r + "/size", hex(size)),
        ("mode", os.path.join(DEV, dec, "mode"), "ram"),
        ("dpa_size", os.path.join(DEV, dec, "dpa_size"), hex(size)),
        ("target", r + "/target0", dec),
        ("commit", r + "/commit", "1"),
        ("decommit", r + "/commit", "0"),
        ("untarget", r + "/target0", ""),
        ("free dpa", os.path.join(DEV, dec, "dpa_size"), "0"),
        ("delete", os.path.join(DEV, root, "delete_region"), region),
    ]
    for name, path, value in steps:
        write(path, value)
        check("round %d %s" % (rnd, name), region, dec)
elapsed = time.monotonic() - started
after = ask("status")["refresh"]
latencies.sort()
report = {"decoders_checked": len(objects(ask("list", {"decoders": True, "idle": True}))[1]),
          "rounds": ROUNDS, "writes": ROUNDS * 12, "checks": checks, "stale": stale,
          "seconds": round(elapsed, 2), "queries": len(latencies),
          "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
          "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
          "refresh_before": before, "refresh_after": after}
with open(OUT, "w") as f:
    json.dump(report, f, indent=1)
print(json.dumps({k: report[k] for k in ("checks", "seconds", "p50_ms", "p99_ms")}))
sys.exit(1 if stale else 0)
