#!/usr/bin/env python3
"""Checks `netreach reach` against networkx's shortest-path lengths on a random
SNAP-style graph with sparse 64-bit ids, for refuse-all, accept-all and
min-mutual:K (mutual connections counted in the graph before any acceptance).

Usage (from the crate root; needs a release or debug build and networkx):
    .venv/bin/python benches/peers/check_networkx.py [--nodes 3000] [--seed 1] [--netreach target/release/netreach]
Exits non-zero on the first disagreement.
"""
import argparse, csv, os, random, subprocess, sys, tempfile

import networkx as nx


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--netreach", default="target/release/netreach")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    d = tempfile.mkdtemp(prefix="netreach-nx-")
    ids = rng.sample(range(10**12, 2**63), a.nodes)
    g = nx.powerlaw_cluster_graph(a.nodes, 3, 0.4, seed=a.seed)
    G = nx.relabel_nodes(g, {i: ids[i] for i in range(a.nodes)})
    with open(os.path.join(d, "edges.txt"), "w") as f:
        f.write("# Undirected graph: check_networkx\n# FromNodeId\tToNodeId\n")
        for u, v in G.edges():
            f.write(f"{u}\t{v}\n")
        u, v = next(iter(G.edges()))
        f.write(f"{v} {u}\n{u}\t{u}\n")  # a duplicate and a self-loop, merged and dropped
    role = {}
    with open(os.path.join(d, "roles.csv"), "w") as f:
        f.write("node,role\n")
        for n in G.nodes():
            x = rng.random()
            role[n] = "recruiter" if x < 0.05 else "hiring_manager" if x < 0.15 else ""
            f.write(f"{n},{role[n]}\n")
    sources = rng.sample(list(G.nodes()), 200)
    with open(os.path.join(d, "sources.txt"), "w") as f:
        f.write("".join(f"{s}\n" for s in sources))
    inv = {}
    with open(os.path.join(d, "invitations.csv"), "w") as f:
        f.write("to,from\n")
        for s in sources:
            for _ in range(rng.randint(0, 12)):
                fr = rng.choice(list(G.neighbors(rng.choice(list(G.neighbors(s)))))) if rng.random() < 0.5 else rng.choice(ids)
                f.write(f"{s},{fr}\n")
                if fr != s and not G.has_edge(s, fr):
                    inv.setdefault(s, set()).add(fr)
    strategies = ["refuse-all", "accept-all", "min-mutual:1", "min-mutual:2"]
    out = os.path.join(d, "reach.csv")
    subprocess.run([a.netreach, "reach", "--graph", f"{d}/edges.txt", "--roles", f"{d}/roles.csv",
                    "--sources", f"{d}/sources.txt", "--invitations", f"{d}/invitations.csv",
                    "--strategy", ",".join(strategies), "-q", "-o", out], check=True)
    rows = list(csv.DictReader(open(out)))
    want = {}
    for s in sources:
        for st in strategies:
            if st == "refuse-all":
                acc = []
            elif st == "accept-all":
                acc = sorted(inv.get(s, ()))
            else:
                k = int(st.split(":")[1])
                acc = [f for f in sorted(inv.get(s, ())) if len(set(G[s]) & set(G[f])) >= k]
            H = G.copy()
            H.add_edges_from((s, f) for f in acc)
            dist = nx.single_source_shortest_path_length(H, s, cutoff=3)
            for k in (1, 2, 3):
                at = [n for n, x in dist.items() if x == k]
                want[(s, st, k)] = (len(acc), len(at), sum(role[n] == "recruiter" for n in at),
                                    sum(role[n] == "hiring_manager" for n in at))
    for r in rows:
        key = (int(r["source"]), r["strategy"], int(r["degree"]))
        got = (int(r["accepted"]), int(r["nodes"]), int(r["recruiters"]), int(r["hiring_managers"]))
        if want[key] != got:
            sys.exit(f"MISMATCH {key}: networkx {want[key]}, netreach {got}")
    assert len(rows) == len(want)
    print(f"all {len(rows)} rows agree with networkx {nx.__version__} "
          f"({len(sources)} sources x {len(strategies)} strategies x 3 degrees, sparse 64-bit ids)")


if __name__ == "__main__":
    main()
