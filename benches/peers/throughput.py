#!/usr/bin/env python3
"""Throughput against graph size (issue 7's README chart): exact reach at depth
3 on the base graph, in sources per second of compute (load excluded), for
netreach (-j 2, 1,000 sampled sources, its `-v` timing), python-igraph and
networkit (the first 1,000, 200 and 20 of the same sources on W1, W2 and W3, a
BFS each; networkit's BFS has no depth limit, so it explores whole components),
on W1 (100k nodes, 1M edges), W2 (1M, 10M) and W3 (10M, 100M). networkx only on W1 and W2 (100
sources), where it fits in memory. Writes docs/throughput.csv and
docs/throughput.png (matplotlib).

Usage (from the crate root; the workloads made by reach_w1.py, reach_w2.py and
reach_w3.py; igraph, networkit, networkx and matplotlib in .venv):
    .venv/bin/python benches/peers/throughput.py
Not part of CI.
"""
import argparse, csv, json, os, re, subprocess, sys

sys.path.insert(0, os.path.dirname(__file__))
from reach_w3 import EXE, PEER  # noqa: E402

WORKLOADS = [  # name, edges (netreach, networkit), edges without comments (igraph), roles, peer sources
    ("W1", "bench-data/w1/edges.txt", "bench-data/w1/edges.txt", "bench-data/w1/roles.csv", 1000),
    ("W2", "bench-data/w2/edges.txt", "bench-data/w2/edges-plain.txt", "bench-data/w2/roles.csv", 200),
    ("W3", "bench-data/w3/edges.txt", "bench-data/w3/edges-plain.txt", "bench-data/w3/nodes.csv", 20),
]

NX = r'''
import json, sys, time
import networkx as nx
g = nx.read_edgelist(sys.argv[1], nodetype=int, comments="#")
t = time.perf_counter()
for s in json.loads(sys.argv[2]):
    nx.single_source_shortest_path_length(g, s, cutoff=3)
print(json.dumps({"reach": time.perf_counter() - t}))
'''


def netreach(edges, roles, out):
    p = subprocess.run([EXE, "reach", "--graph", edges, "--roles", roles, "--sample", "1000", "--seed", "4",
                        "-j", "2", "-v", "--force", "-o", out], capture_output=True, text=True, check=True)
    secs = float(re.search(r"reach: \d+ queries in ([0-9.]+) s", p.stderr).group(1))
    arcs = re.search(r"([0-9.]+) million arcs/s", p.stderr).group(1)
    edges_n = int(re.search(r"nodes, (\d+) edges", p.stderr).group(1))
    with open(out) as f:
        sources = list(dict.fromkeys(int(r["source"]) for r in csv.DictReader(f)))
    return edges_n, 1000 / secs, float(arcs), sources


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peer-sources", type=int, default=1000, help="at most this many sources for the peers")
    a = ap.parse_args()
    rows = []
    for name, edges, plain, roles, peer_sources in WORKLOADS:
        m, rate, arcs, sources = netreach(edges, roles, f"/tmp/throughput-{name}.csv")
        rows.append((name, m, "netreach", rate))
        print(f"{name}: {m:,} edges; netreach {rate:,.0f} sources/s ({arcs:,.0f} million arcs/s)", flush=True)
        k = sources[:min(peer_sources, a.peer_sources)]
        for tool in ("igraph", "networkit"):
            p = subprocess.run([sys.executable, "-c", PEER, tool, edges if tool == "networkit" else plain,
                                roles, json.dumps(k)], capture_output=True, text=True)
            if p.returncode != 0:
                print(f"  {tool}: failed: {p.stderr[-300:]}")
                continue
            r = json.loads(p.stdout)
            rows.append((name, m, tool, len(k) / r["reach"]))
            print(f"  {tool}: {len(k) / r['reach']:,.1f} sources/s", flush=True)
        if name != "W3":
            p = subprocess.run([sys.executable, "-c", NX, edges, json.dumps(sources[:100])],
                               capture_output=True, text=True, check=True)
            rows.append((name, m, "networkx", 100 / json.loads(p.stdout)["reach"]))
            print(f"  networkx: {rows[-1][3]:,.1f} sources/s", flush=True)
    os.makedirs("docs", exist_ok=True)
    with open("docs/throughput.csv", "w") as f:
        f.write("workload,edges,tool,sources_per_second\n")
        f.writelines(f"{w},{m},{t},{r:.2f}\n" for w, m, t, r in rows)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5), dpi=150)
    for tool, colour in (("netreach", "#0072B2"), ("igraph", "#E69F00"), ("networkit", "#009E73"),
                         ("networkx", "#CC79A7")):
        pts = [(m, r) for _, m, t, r in rows if t == tool]
        if pts:
            ax.plot(*zip(*pts), marker="o", color=colour, label=tool)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("edges (W1, W2, W3)")
    ax.set_ylabel("sources per second (exact reach, depth 3, compute only)")
    ax.set_title("Exact reach throughput against graph size, 2 cores")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig("docs/throughput.png")
    print("wrote docs/throughput.csv and docs/throughput.png")


if __name__ == "__main__":
    main()
