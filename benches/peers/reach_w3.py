#!/usr/bin/env python3
"""W3 (issue 7): Chung-Lu, 10,000,000 nodes, about 100M edges (power law 2.5,
`netreach generate`, seed 3), 1,000 sources at depth 3, plus all-node approximate
reach. Measures netreach end to end (load, reach, arcs scanned per second, peak
memory) and python-igraph and networkit on the same file: load time, peak memory,
and exact reach from the first --peer-sources sources (a BFS per source; their
rate is extrapolated to 1,000 sources, and their counts are checked against
netreach's). networkx is left out: at 100M edges its dict-of-dicts graph needs
far more than this machine's 24 GiB.

Usage (from the crate root, after `cargo build --release`; igraph and networkit
in .venv):
    .venv/bin/python benches/peers/reach_w3.py [--peer-sources 20] [--skip-peers]
Not part of CI.
"""
import argparse, csv, json, os, re, subprocess, sys, time

EXE = "target/release/netreach"

PEER = r'''
import json, resource, sys, time
import numpy as np
tool, path, roles_path, sources = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
t = time.perf_counter()
if tool == "igraph":
    import igraph as ig
    g = ig.Graph.Read_Edgelist(path, directed=False)
    g.simplify()
    n = g.vcount()
else:
    import networkit as nk
    nk.setNumberOfThreads(2)
    g = nk.graphio.EdgeListReader("\t", 0, commentPrefix="#", continuous=True, directed=False).read(path)
    g.removeMultiEdges(); g.removeSelfLoops()
    n = g.numberOfNodes()
load = time.perf_counter() - t
role = np.zeros(n, dtype=np.int8)
with open(roles_path) as f:
    next(f)
    for line in f:
        node, r = line.rstrip("\n").split(",")[:2]
        if r in ("recruiter", "hiring_manager"):
            role[int(node)] = 1 if r == "recruiter" else 2
t = time.perf_counter()
out = {}
for s in sources:
    if tool == "igraph":
        ball = np.asarray(g.neighborhood(s, order=3), dtype=np.int64)
        sizes = [g.neighborhood_size(s, order=k) for k in (1, 2)] + [len(ball)]
        d = np.empty(len(ball), dtype=np.int8)
        lo = 1
        d[0] = 0
        for k, hi in zip((1, 2, 3), sizes):
            d[lo:hi] = k
            lo = hi
        nodes = ball
    else:
        bfs = nk.distance.BFS(g, s, storePaths=False).run()
        dd = np.asarray(bfs.getDistances())
        nodes = np.nonzero(dd <= 3)[0]
        d = dd[nodes].astype(np.int8)
    rows = []
    for k in (1, 2, 3):
        r = role[nodes[d == k]]
        rows.append([int((d == k).sum()), int((r == 1).sum()), int((r == 2).sum())])
    out[s] = rows
reach = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"load": load, "reach": reach, "peak_mib": peak, "counts": out}))
'''


def timed(cmd):
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(p.stderr)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return wall, peak, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default="bench-data/w3")
    ap.add_argument("--peer-sources", type=int, default=20)
    ap.add_argument("--skip-peers", action="store_true")
    a = ap.parse_args()
    d = a.dir
    edges = os.path.join(d, "edges.txt")
    if not os.path.exists(edges):
        subprocess.run([EXE, "generate", "--model", "chung-lu", "--degree-dist", "powerlaw", "--nodes",
                        "10000000", "--avg-degree", "20", "--seed", "3", "--format", "txt", "-o", d, "-q"],
                       check=True)
    roles = os.path.join(d, "nodes.csv")
    out = os.path.join(d, "netreach-exact.csv")
    wall, peak, err = timed([EXE, "reach", "--graph", edges, "--roles", roles, "--sample", "1000",
                             "--seed", "4", "-j", "2", "-v", "--force", "-o", out])
    print(f"netreach exact, 1,000 sources: end to end {wall:.1f} s, peak {peak:,.0f} MiB")
    for line in err.splitlines():
        if line.startswith(("graph ", "reach:")):
            print("   ", line)
    nrg = os.path.join(d, "graph.nrg")
    wall, peak, _ = timed([EXE, "import", "graph", edges, "--roles", roles, "-o", nrg, "--force", "-q"])
    print(f"netreach import graph (once): {wall:.1f} s, peak {peak:,.0f} MiB, "
          f"{os.path.getsize(nrg) / 2**20:,.0f} MiB file")
    out_nrg = os.path.join(d, "netreach-exact-nrg.csv")
    wall, peak, err = timed([EXE, "reach", "--graph", nrg, "--sample", "1000",
                             "--seed", "4", "-j", "2", "-v", "--force", "-o", out_nrg])
    same = open(out).read() == open(out_nrg).read()
    print(f"netreach exact from the graph file: end to end {wall:.1f} s, peak {peak:,.0f} MiB, "
          f"same output: {same}")
    for line in err.splitlines():
        if line.startswith(("graph ", "reach:")):
            print("   ", line)
    wall, peak, err = timed([EXE, "reach", "--graph", edges, "--roles", roles, "--all", "--approx",
                             "-j", "2", "-v", "--force", "-o", os.path.join(d, "netreach-approx.parquet")])
    print(f"netreach approx, all 10M nodes (precision 7): end to end {wall:.1f} s, peak {peak:,.0f} MiB")
    for line in err.splitlines():
        if line.startswith(("graph ", "approximate reach", "reach")):
            print("   ", line)
    if a.skip_peers:
        return
    mine = {}
    with open(out) as f:
        for row in csv.DictReader(f):
            mine.setdefault(int(row["source"]), {})[int(row["degree"])] = [
                int(row["nodes"]), int(row["recruiters"]), int(row["hiring_managers"])]
    sources = list(mine)  # the 1,000 people netreach sampled, in its order
    k = a.peer_sources
    for tool in ("igraph", "networkit"):
        p = subprocess.run([sys.executable, "-c", PEER, tool, edges if tool == "networkit" else
                            os.path.join(d, "edges-plain.txt"), roles, json.dumps(sources[:k])],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(f"{tool}: failed: {p.stderr[-500:]}")
            continue
        r = json.loads(p.stdout)
        agree = all(r["counts"][str(s)] == [mine[s][k_] for k_ in (1, 2, 3)] for s in sources[:k])
        rate = k / r["reach"]
        print(f"{tool}: load {r['load']:.1f} s, reach {rate:.1f} sources/s "
              f"(1,000 sources: {1000 / rate:.0f} s), peak {r['peak_mib']:,.0f} MiB, "
              f"counts agree with netreach: {agree}")


if __name__ == "__main__":
    main()
