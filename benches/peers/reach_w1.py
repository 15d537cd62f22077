#!/usr/bin/env python3
"""Side-by-side exact reach: netreach vs python-igraph (and optionally networkx).

Workload W1 (issue 2): Barabasi-Albert graph, 100,000 nodes, 10 links per new node
(about 1M edges), 1,000 sources, max degree 3, refuse-all and accept-all with about
10 pending invitations per source. Both tools read the same files; the script
checks that their counts agree, then prints medians and ratios of three kinds:
the reach step alone (igraph's BFS loop against netreach's own `-v` timing), end
to end from the text files (igraph's load plus reach against the whole netreach
process), and end to end from each tool's binary graph format (igraph's pickle,
netreach's `.nrg` from `netreach import graph`, both written once beforehand; the
roles, sources and invitations still come from the same text files).

Usage (from the crate root; needs a release build and a venv with igraph):
    cargo build --release
    python3 -m venv .venv && .venv/bin/pip install igraph networkx numpy
    .venv/bin/python benches/peers/reach_w1.py [--runs 3] [--networkx]

Not part of CI: the build and tests never need Python.
"""
import argparse, csv, os, random, re, statistics, subprocess, sys, time

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


def igraph_edge_list(d):
    """igraph's edge-list reader takes no comment lines: W2 and W3 keep a copy
    without netreach's `#` header as edges-plain.txt."""
    plain = os.path.join(d, "edges-plain.txt")
    return plain if os.path.exists(plain) else os.path.join(d, "edges.txt")


def load_inputs(d, pickle=False):
    """The graph (from the edge list, or from igraph's own binary pickle) plus the
    roles, sources and invitations, as netreach reads them."""
    if pickle:
        g = ig.Graph.Read_Pickle(os.path.join(d, "graph.igraph.pickle"))
    else:
        g = ig.Graph.Read_Edgelist(igraph_edge_list(d), directed=False)
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


def run_netreach(exe, d, strategy, threads, out, graph_file=False):
    """Wall time of one whole netreach process, and its reach step alone (from -v)."""
    graph = ["--graph", f"{d}/graph.nrg"] if graph_file else \
        ["--graph", f"{d}/edges.txt", "--roles", f"{d}/roles.csv"]
    cmd = [exe, "reach", *graph, "--sources", f"{d}/sources.txt", "--invitations", f"{d}/invitations.csv",
           "--strategy", strategy, "-j", str(threads), "-v", "--force", "-o", out]
    t = time.perf_counter()
    p = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    m = re.search(r"reach: \d+ queries in ([0-9.]+) s", p.stderr)
    return wall, float(m.group(1))


def import_graph(exe, d):
    """netreach's one-time conversion to its graph file, and igraph's to its pickle."""
    t = time.perf_counter()
    subprocess.run([exe, "import", "graph", f"{d}/edges.txt", "--roles", f"{d}/roles.csv",
                    "-o", f"{d}/graph.nrg", "--force", "-q"], check=True)
    nr = time.perf_counter() - t
    g = ig.Graph.Read_Edgelist(igraph_edge_list(d), directed=False)
    g.simplify()
    t = time.perf_counter()
    g.write_pickle(os.path.join(d, "graph.igraph.pickle"))
    return nr, time.perf_counter() - t


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

    nr_import, ig_pickle = import_graph(a.netreach, a.dir)
    loads, pickle_loads, comp = [], [], {"refuse-all": [], "accept-all": []}
    results = {}
    for _ in range(a.runs):
        t = time.perf_counter()
        load_inputs(a.dir, pickle=True)
        pickle_loads.append(time.perf_counter() - t)
        t = time.perf_counter()
        g, role, sources, inv = load_inputs(a.dir)
        loads.append(time.perf_counter() - t)
        for strat in comp:
            t = time.perf_counter()
            results[strat] = igraph_reach(g, role, sources, inv, strat == "accept-all")
            comp[strat].append(time.perf_counter() - t)

    med = statistics.median
    nr = {}
    for strat in comp:
        for j, graph_file in ((1, False), (2, False), (2, True)):
            suffix = "-nrg" if graph_file else ""
            out = os.path.join(a.dir, f"netreach-{strat}-j{j}{suffix}.csv")
            runs = [run_netreach(a.netreach, a.dir, strat, j, out, graph_file) for _ in range(a.runs)]
            nr[(strat, j, graph_file)] = (med(r[0] for r in runs), med(r[1] for r in runs))
        # Agreement check on the 2-thread output; the graph file gives the same bytes.
        with open(os.path.join(a.dir, f"netreach-{strat}-j2.csv")) as f, \
                open(os.path.join(a.dir, f"netreach-{strat}-j2-nrg.csv")) as h:
            if f.read() != h.read():
                sys.exit(f"MISMATCH {strat}: text and graph file outputs differ")
        with open(os.path.join(a.dir, f"netreach-{strat}-j2.csv")) as f:
            for row in csv.DictReader(f):
                s, k = int(row["source"]), int(row["degree"])
                want = results[strat][s][k - 1]
                got = (int(row["nodes"]), int(row["recruiters"]), int(row["hiring_managers"]))
                if want != got:
                    sys.exit(f"MISMATCH {strat} source {s} degree {k}: igraph {want} netreach {got}")

    load, pload = med(loads), med(pickle_loads)
    print(f"{a.dir}: {a.nodes} nodes, {g.ecount()} edges, {len(sources)} sources, depth 3, runs={a.runs} (medians)")
    print(f"counts agree between igraph {ig.__version__} and netreach for every source, degree and strategy")
    print(f"inputs loaded by igraph: {load:.2f} s from the edge list, {pload:.2f} s from its pickle "
          f"(written once in {ig_pickle:.2f} s); netreach import graph: {nr_import:.2f} s once")
    print(f"{'strategy':<11} {'igraph reach':>12} {'netreach reach -j2':>18} {'ratio':>7} | "
          f"{'igraph e2e':>10} {'netreach e2e -j1':>16} {'-j2':>7} {'ratio':>7} | "
          f"{'igraph e2e pickle':>17} {'netreach e2e .nrg -j2':>21} {'ratio':>7} {'vs text':>7}")
    for strat in comp:
        c = med(comp[strat])
        (w1, _), (w2, c2), (wn, _) = nr[(strat, 1, False)], nr[(strat, 2, False)], nr[(strat, 2, True)]
        print(f"{strat:<11} {c:>11.3f}s {c2:>17.3f}s {c/c2:>6.1f}x | "
              f"{load + c:>9.2f}s {w1:>15.3f}s {w2:>6.3f}s {(load + c)/w2:>6.1f}x | "
              f"{pload + c:>16.2f}s {wn:>20.3f}s {(pload + c)/wn:>6.1f}x {(load + c)/wn:>6.1f}x")
    if a.networkx:
        nl, rate = networkx_rate(a.dir, sources, role, inv)
        print(f"networkx {__import__('networkx').__version__}: load {nl:.2f}s, accept-all {rate:.0f} sources/s")


if __name__ == "__main__":
    main()
