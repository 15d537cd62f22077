#!/usr/bin/env python3
"""Generate and write a 10M-edge graph per model: netreach vs networkit (and
networkx where networkit has no such generator), on the same machine, medians.

Sizes: 1,000,000 nodes with mean degree 20 (10M edges) for every model; the
stochastic block model uses 10 blocks and 20% of links between them.

Usage (from the crate root; needs a release build and networkit in a venv):
    cargo build --release
    python3 -m venv .venv && .venv/bin/pip install networkit networkx
    .venv/bin/python benches/peers/generate.py [--runs 3] [--nodes 1000000]

Both tools write a tab-separated edge list; netreach also writes nodes.csv with
roles. Not part of CI.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile, time

import networkit as nk


def netreach_time(exe, model_args, nodes, d, seed, out):
    cmd = [exe, "generate", *model_args, "--nodes", str(nodes), "--avg-degree", str(d),
           "--seed", str(seed), "--format", "txt", "-o", out, "-v", "--force"]
    t = time.perf_counter()
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    total = time.perf_counter() - t
    m = re.search(r"generate ([\d.]+) s, write ([\d.]+) s", r.stderr)
    edges = int(re.search(r"(\d+) edges", r.stderr).group(1))
    return float(m.group(1)), total, edges


def networkit_time(make, path):
    t = time.perf_counter()
    g = make()
    gen = time.perf_counter() - t
    nk.graphio.writeGraph(g, path, nk.Format.EdgeListTabZero)
    return gen, time.perf_counter() - t, g.numberOfEdges()


def powerlaw_sequence(n, d):
    """A power-law degree sequence (exponent 2.5, cap 30,000) with mean degree d."""
    pls = nk.generators.PowerlawDegreeSequence(1, 30000, -2.5)
    pls.setMinimumFromAverageDegree(d)
    pls.run()
    return pls.getDegreeSequence(n)


def holme_kim_small(exe, n, d, runs, tmp):
    """networkx's powerlaw_cluster_graph is Holme-Kim; pure Python, so 1/10 the size."""
    import networkx as nx
    rows = []
    for _ in range(runs):
        t = time.perf_counter()
        g = nx.powerlaw_cluster_graph(n, d // 2, 0.5, seed=1)
        gen = time.perf_counter() - t
        nx.write_edgelist(g, os.path.join(tmp, "hk-nx.txt"), delimiter="\t", data=False)
        rows.append((gen, time.perf_counter() - t, g.number_of_edges()))
    nr = [netreach_time(exe, ["--model", "holme-kim", "--triad-prob", "0.5"], n, d, 1, os.path.join(tmp, "hk"))
          for _ in range(runs)]
    return nr, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--avg-degree", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--netreach", default="target/release/netreach")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    n, d = a.nodes, a.avg_degree
    nk.setNumberOfThreads(a.threads)
    tmp = tempfile.mkdtemp(prefix="netreach-gen-")
    blocks = 10
    membership = [v * blocks // n for v in range(n)]
    s = n / blocks
    p_in, p_out = 0.8 * d / (s - 1), 0.2 * d / (n - s)
    affinity = [[p_in if i == j else p_out for j in range(blocks)] for i in range(blocks)]
    models = [
        ("ba", ["--model", "ba"], lambda: nk.generators.BarabasiAlbertGenerator(d // 2, n).generate()),
        ("holme-kim", ["--model", "holme-kim", "--triad-prob", "0.5"], None),
        ("watts-strogatz", ["--model", "watts-strogatz", "--rewire-prob", "0.1"],
         lambda: nk.generators.WattsStrogatzGenerator(n, d // 2, 0.1).generate()),
        ("sbm", ["--model", "sbm", "--communities", str(blocks), "--mixing", "0.2"], None),
        ("chung-lu", ["--model", "chung-lu", "--degree-dist", "powerlaw", "--exponent", "2.5"],
         lambda: nk.generators.ChungLuGenerator(powerlaw_sequence(n, d)).generate()),
    ]
    print(f"{n} nodes, mean degree {d}, {a.threads} threads for both; medians of {a.runs} runs; seconds")
    print(f"{'model':<15} {'netreach gen':>12} {'gen+write':>10} {'edges':>10} | {'networkit gen':>13} {'gen+write':>10} {'edges':>10} | {'ratio gen+write':>15}")
    for name, args, make in models:
        out = os.path.join(tmp, name)
        nr = [netreach_time(a.netreach, args, n, d, 1, out) for _ in range(a.runs)]
        ng, nt = statistics.median(x[0] for x in nr), statistics.median(x[1] for x in nr)
        line = f"{name:<15} {ng:>12.2f} {nt:>10.2f} {nr[0][2]:>10}"
        if make is None:
            line += f" | (networkit {nk.__version__} has no {name} generator)"
        else:
            try:
                kr = [networkit_time(make, os.path.join(tmp, f"{name}-nk.txt")) for _ in range(a.runs)]
                kg, kt = statistics.median(x[0] for x in kr), statistics.median(x[1] for x in kr)
                line += f" | {kg:>13.2f} {kt:>10.2f} {kr[0][2]:>10} | {kt / nt:>14.1f}x"
            except Exception as e:  # noqa: BLE001
                line += f" | networkit failed: {e}"
        print(line, flush=True)
    small = n // 10
    nr, nx_rows = holme_kim_small(a.netreach, small, d, a.runs, tmp)
    ng, nt = statistics.median(x[0] for x in nr), statistics.median(x[1] for x in nr)
    kg, kt = statistics.median(x[0] for x in nx_rows), statistics.median(x[1] for x in nx_rows)
    print(f"{'holme-kim 1/10':<15} {ng:>12.2f} {nt:>10.2f} {nr[0][2]:>10} | {kg:>13.2f} {kt:>10.2f} "
          f"{nx_rows[0][2]:>10} | {kt / nt:>14.1f}x  (networkx powerlaw_cluster_graph, {small} nodes)")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
