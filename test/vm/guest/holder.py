# A runtime that is not root, as cxlctl attach-region --exec runs it, or on its own asking cxld for
# the descriptor (SCM_RIGHTS). Maps the first and the last `align` bytes of the handed device,
# writes a pattern, reads it back, reports as one JSON line into OUT, then holds the mapping until
# the file STOP exists. Used by test/vm/guest/exec.sh.
#   python3 holder.py exec OUT STOP          (descriptor 3 inherited; handoff in CXLD_HANDOFF)
#   python3 holder.py ask SOCKET MEMDEV OUT STOP   (asks cxld itself: lease connection, fd true)
import errno, json, mmap, os, socket, sys, time

def use(fd, handoff, out, stop, extra):
    pm = handoff["private_memory"]
    align, size = pm["align"], pm["size"]
    report = dict(extra, uid=os.getuid(), fd=fd, region=handoff["region"], device=pm["device"],
                  target=os.readlink("/proc/self/fd/%d" % fd))
    try:
        os.close(os.open(pm["device"], os.O_RDWR))
        report["open_by_path"] = "ok"
    except OSError as e:
        report["open_by_path"] = errno.errorcode[e.errno]
    checks = []
    maps = []
    for offset in (0, size - align):
        m = mmap.mmap(fd, align, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE, offset=offset)
        pattern = (b"cxld%012x" % offset) * (align // 16)
        m[:] = pattern
        checks.append(m[:] == pattern)
        maps.append(m)
    report["read_back"] = "equal" if all(checks) else "DIFFERENT"
    report["mapped"] = [0, size - align]
    with open(out, "w") as f:
        f.write(json.dumps(report) + "\n")
    deadline = time.time() + 300
    while not os.path.exists(stop) and time.time() < deadline:
        time.sleep(0.1)
    for m in maps:
        m.close()

if sys.argv[1] == "exec":
    assert os.environ["LISTEN_FDS"] == "1" and os.environ["LISTEN_PID"] == str(os.getpid())
    use(int(os.environ["CXLD_DAX_FD"]), json.loads(os.environ["CXLD_HANDOFF"]), sys.argv[2], sys.argv[3],
        {"how": "exec", "fdnames": os.environ["LISTEN_FDNAMES"]})
else:
    sock, memdev, out, stop = sys.argv[2:6]
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall((json.dumps({"id": 1, "op": "attach-region",
                           "args": {"memdev": memdev, "lease": "connection", "fd": True, "owner": "holder.py"}})
               + "\n").encode())
    data, fds, flags, addr = socket.recv_fds(s, 65536, 1)
    answer = json.loads(data.decode().split("\n")[0])
    if not answer["ok"] or len(fds) != 1:
        with open(out, "w") as f:
            f.write(json.dumps({"how": "ask", "answer": answer, "fds": len(fds)}) + "\n")
        sys.exit(1)
    use(fds[0], answer["result"], out, stop, {"how": "ask"})
    s.close()
