#!/usr/bin/env python3
"""Side-by-side exact reach: netreach vs python-igraph (and optionally networkx).

Workload W1 (issue 2): Barabasi-Albert graph, 100,000 nodes, 10 links per new node
(about 1M edges), 1,000 sources, max degree 3, refuse-all and accept-all with about
10 pending invitations per source. Both tools read the same files; the script
checks that their counts agree, then prints medians and ratios.

Usage (from the crate root; needs a release build and a venv with igraph):
    cargo build --release
    python3 -m venv .venv && .venv/bin/pip install igraph networkx numpy
    .venv/bin/python benches/peers/reach_w1.py [--runs 3] [--networkx]

Not part of CI: the build and tests never need Python.
"""
import argparse, csv, os, random, statistics, subprocess, sys, time

import igraph as ig
import numpy as np


def make_files(d, nodes, m, n_sources, invites, seed):
    os.makedirs(d, exist_ok=True)
    edges_path = os.path.join(d, "edges.txt")
    if os.path.exists(edges_path):
        return
    random.seed(seed)
    g = ig.Graph.Barabasi(nodes, m, directed=False)
    with open(edges_path, "w") as f:
        for u, v in g.get_edgelist():
            f.write(f"{u} {v}\n")
    rng = random.Random(seed + 1)
    with open(os.path.join(d, "roles.csv"), "w") as f:
        f.write("node,role\n")
        for v in range(nodes):
            x = rng.random()
            f.write(f"{v},{'recruiter' if x < 0.03 else 'hiring_manager' if x < 0.10 else ''}\n")
    sources = rng.sample(range(nodes), n_sources)
    with open(os.path.join(d, "sources.txt"), "w") as f:
        f.write("".join(f"{s}\n" for s in sources))
    with open(os.path.join(d, "invitations.csv"), "w") as f:
        f.write("to,from\n")
        for s in sources:
            for _ in range(invites):
                f.write(f"{s},{rng.randrange(nodes)}\n")


def load_inputs(d):
    g = ig.Graph.Read_Edgelist(os.path.join(d, "edges.txt"), directed=False)
    g.simplify()
    n = g.vcount()
    role = np.zeros(n, dtype=np.int8)
    with open(os.path.join(d, "roles.csv")) as f:
        for row in csv.DictReader(f):
            role[int(row["node"])] = {"recruiter": 1, "hiring_manager": 2}.get(row["role"], 0)
    sources = [int(x) for x in open(os.path.join(d, "sources.txt")).read().split()]
    inv = {}
    with open(os.path.join(d, "invitations.csv")) as f:
        for row in csv.DictReader(f):
            t, fr = int(row["to"]), int(row["from"])
            if t != fr and not g.are_adjacent(t, fr):
                inv.setdefault(t, set()).add(fr)
    return g, role, sources, inv


def ball_by_distance(g, v, order):
    """Nodes within `order` hops of v (v included at 0) and their distances."""
    ball = np.asarray(g.neighborhood(v, order=order), dtype=np.int64)  # BFS order
    dist = np.empty(len(ball), dtype=np.int8)
    lo = 0
    for k in range(order + 1):
        hi = g.neighborhood_size(v, order=k) if k < order else len(ball)
        dist[lo:hi] = k
        lo = hi
    return ball, dist


def igraph_reach(g, role, sources, inv, accept):
    """One depth-3 BFS per source; for accept-all, one depth-2 BFS per accepted inviter
    f as well (through f, v is 1 + dist(f, v) away), combined by minimum distance.
    This leaves the graph unchanged: igraph's add_edges/delete_edges cost about
    0.15 s each on this graph, far more than the BFS."""
    out = {}
    best = np.full(g.vcount(), 127, dtype=np.int8)
    for s in sources:
        extra = sorted(inv.get(s, ())) if accept else []
        if not extra:  # plain bounded BFS: slice the BFS order by distance
            nodes, dist = ball_by_distance(g, s, 3)
            rows = []
            for k in (1, 2, 3):
                r = role[nodes[dist == k]]
                rows.append((int((dist == k).sum()), int((r == 1).sum()), int((r == 2).sum())))
            out[s] = rows
            continue
        nodes, dist = ball_by_distance(g, s, 3)
        parts_n, parts_d = [nodes], [dist]
        if accept:
            for f in extra:
                fn, fd = ball_by_distance(g, f, 2)
                parts_n.append(fn)
                parts_d.append(fd + 1)
        allv = np.concatenate(parts_n)
        np.minimum.at(best, allv, np.concatenate(parts_d))
        uniq = np.unique(allv)
        d = best[uniq]
        best[uniq] = 127
        rows = []
        for k in (1, 2, 3):
            at = uniq[(d == k) & (uniq != s)]
            r = role[at]
            rows.append((len(at), int((r == 1).sum()), int((r == 2).sum())))
        out[s] = rows
    return out


def networkx_rate(d, sources, role, inv, k=100):
    import networkx as nx
    t = time.perf_counter()
    G = nx.read_edgelist(os.path.join(d, "edges.txt"), nodetype=int)
    load = time.perf_counter() - t
    t = time.perf_counter()
    for s in sources[:k]:
        extra = [(s, f) for f in sorted(inv.get(s, ()))]
        G.add_edges_from(extra)
        nx.single_source_shortest_path_length(G, s, cutoff=3)
        G.remove_edges_from(extra)
    return load, k / (time.perf_counter() - t)


def run_netreach(exe, d, strategy, threads, out):
    cmd = [exe, "reach", "--graph", f"{d}/edges.txt", "--roles", f"{d}/roles.csv",
           "--sources", f"{d}/sources.txt", "--invitations", f"{d}/invitations.csv",
           "--strategy", strategy, "-j", str(threads), "-q", "--force", "-o", out]
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default="bench-data/w1")
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--m", type=int, default=10)
    ap.add_argument("--sources", type=int, default=1_000)
    ap.add_argument("--invites", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--netreach", default="target/release/netreach")
    ap.add_argument("--networkx", action="store_true", help="also time networkx on 100 sources")
    a = ap.parse_args()
    make_files(a.dir, a.nodes, a.m, a.sources, a.invites, a.seed)

    loads, comp = [], {"refuse-all": [], "accept-all": []}
    results = {}
    for _ in range(a.runs):
        t = time.perf_counter()
        g, role, sources, inv = load_inputs(a.dir)
        loads.append(time.perf_counter() - t)
        for strat in comp:
            t = time.perf_counter()
            results[strat] = igraph_reach(g, role, sources, inv, strat == "accept-all")
            comp[strat].append(time.perf_counter() - t)

    nr = {}
    for strat in comp:
        for j in (1, 2):
            out = os.path.join(a.dir, f"netreach-{strat}-j{j}.csv")
            nr[(strat, j)] = statistics.median(run_netreach(a.netreach, a.dir, strat, j, out) for _ in range(a.runs))
        # Agreement check on the 2-thread output.
        with open(os.path.join(a.dir, f"netreach-{strat}-j2.csv")) as f:
            for row in csv.DictReader(f):
                s, k = int(row["source"]), int(row["degree"])
                want = results[strat][s][k - 1]
                got = (int(row["nodes"]), int(row["recruiters"]), int(row["hiring_managers"]))
                if want != got:
                    sys.exit(f"MISMATCH {strat} source {s} degree {k}: igraph {want} netreach {got}")

    load = statistics.median(loads)
    print(f"{a.dir}: {a.nodes} nodes, {g.ecount()} edges, {len(sources)} sources, depth 3, runs={a.runs} (medians)")
    print(f"counts agree between igraph {ig.__version__} and netreach for every source, degree and strategy")
    print(f"{'strategy':<11} {'igraph load':>11} {'igraph reach':>12} {'igraph src/s':>12} "
          f"{'netreach -j1':>12} {'netreach -j2':>12} {'ratio (e2e, -j2)':>16}")
    for strat in comp:
        c = statistics.median(comp[strat])
        e2e = load + c
        print(f"{strat:<11} {load:>10.2f}s {c:>11.2f}s {len(sources)/c:>12.0f} "
              f"{nr[(strat,1)]:>11.3f}s {nr[(strat,2)]:>11.3f}s {e2e/nr[(strat,2)]:>15.1f}x")
    if a.networkx:
        nl, rate = networkx_rate(a.dir, sources, role, inv)
        print(f"networkx {__import__('networkx').__version__}: load {nl:.2f}s, accept-all {rate:.0f} sources/s")


if __name__ == "__main__":
    main()
