#!/usr/bin/env python3
"""Scaling of `netreach reach --cluster` on one machine (issue 9): W2 (Holme-Kim,
1,000,000 nodes, 10M edges; made by benches/peers/reach_w2.py) with

  * the plain multi-threaded path (`-j 2`),
  * 1 process x 2 timely workers,
  * 2 processes x 1 worker each (loopback TCP),
  * 1 process x 1 worker (the dataflow path's single-core baseline),

for exact reach (200 sources, accept-all and refuse-all) and all-node approximate
reach (`--all --approx`). Prints wall time (median of --runs), compute time
(netreach -v's "reach: ... in X s" of process 0) and peak memory per process,
and checks every output is byte-identical to the plain path's.

Usage (from the crate root, after `cargo build --release`):
    python3 benches/cluster/scaling.py [--runs 3] [--dir bench-data/w2]
Standard library only. Not part of CI.
"""
import argparse, os, re, resource, statistics, subprocess, sys, tempfile, time

EXE = "target/release/netreach"


def free_ports(n):
    import socket
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def peak_kib(pid_status):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", pid_status)
    return int(m.group(1)) if m else 0


def run_one(args, processes, workers, tmp):
    """Runs one configuration; returns (wall s, compute s, [peak MiB per process])."""
    if processes == 0:  # the plain path
        cmds = [[EXE, "-j", "2", "-v", "--force"] + args]
    else:
        hosts = os.path.join(tmp, "hosts.txt")
        with open(hosts, "w") as f:
            f.write("".join(f"127.0.0.1:{p}\n" for p in free_ports(processes)))
        cmds = [[EXE, "-j", str(workers), "-v", "--force"] + args +
                ["--cluster", hosts, "--process", str(i), "--workers", str(workers)]
                for i in range(processes)]
    start = time.perf_counter()
    procs = [subprocess.Popen(["/usr/bin/time", "-v"] + c, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for c in cmds]
    outs = [p.communicate() for p in procs]
    wall = time.perf_counter() - start
    for p, (_, err) in zip(procs, outs):
        if p.returncode != 0:
            sys.exit(f"failed: {err}")
    m = re.search(r"reach: \d+ queries in ([0-9.]+) s", outs[0][1])
    return wall, float(m.group(1)) if m else float("nan"), [peak_kib(e) / 1024 for _, e in outs]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default="bench-data/w2")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    d = a.dir
    base = ["reach", "--graph", f"{d}/edges.txt", "--roles", f"{d}/roles.csv"]
    jobs = {
        "exact, accept-all": base + ["--sources", f"{d}/sources.txt", "--invitations",
                                     f"{d}/invitations.csv", "--strategy", "accept-all"],
        "exact, refuse-all": base + ["--sources", f"{d}/sources.txt", "--invitations",
                                     f"{d}/invitations.csv", "--strategy", "refuse-all"],
        "approx, all nodes": base + ["--all", "--approx"],
    }
    configs = [("plain -j2", 0, 2), ("1 process x 2 workers", 1, 2),
               ("2 processes x 1 worker", 2, 1), ("1 process x 1 worker", 1, 1)]
    print("| job | configuration | wall (median) | compute | peak memory per process | same bytes |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for job, args in jobs.items():
            ext = "parquet" if "approx" in job else "csv"
            reference = None
            for name, procs, workers in configs:
                out = os.path.join(tmp, f"out.{ext}")
                runs = [run_one(args + ["-o", out], procs, workers, tmp) for _ in range(a.runs)]
                with open(out, "rb") as f:
                    data = f.read()
                if reference is None:
                    reference = data
                same = "yes" if data == reference else "NO"
                wall = statistics.median(r[0] for r in runs)
                comp = statistics.median(r[1] for r in runs)
                mem = " + ".join(f"{m:.0f} MiB" for m in runs[-1][2])
                print(f"| {job} | {name} | {wall:.2f} s | {comp:.2f} s | {mem} | {same} |", flush=True)


if __name__ == "__main__":
    main()
