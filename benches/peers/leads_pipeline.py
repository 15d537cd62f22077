#!/usr/bin/env python3
"""The peer pipeline for expected job leads on the quick experiment's network
(Holme-Kim, one million people, ten million ties): networkit's per-edge
triangle counts (a tie's mutual connections), then cynetdiff's independent
cascade with netreach's default per-tie probabilities p(m), 256 trials of 3
steps from each of 200 people. Prints each side's compute time (loading
excluded) beside netreach's simulation time for the same 200 people with
[leads] (refuse-all, one replicate, 256 worlds, from `-v`).

usage: python3 benches/peers/leads_pipeline.py [NETREACH_BINARY]
needs: pip install networkit cynetdiff numpy networkx (peer scripts only)
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import networkit as nk
import numpy as np
from cynetdiff.models import IndependentCascadeModel

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/netreach"
WEAK, STRONG, HALF = 0.012, 0.12, 5.0
PEOPLE, TRIALS, STEPS = 200, 256, 3


def main():
    tmp = tempfile.mkdtemp(prefix="leads-peer-")
    net = os.path.join(tmp, "net")
    subprocess.run([BIN, "-q", "generate", "--model", "holme-kim", "--nodes", "1000000",
                    "--avg-degree", "20", "--triad-prob", "0.5", "--seed", "42",
                    "--format", "txt", "-o", net], check=True)
    edges_txt = os.path.join(net, "edges.txt")
    # netreach: the same network from the file, 200 people, refuse-all, [leads].
    exp = os.path.join(tmp, "w.toml")
    with open(exp, "w") as f:
        f.write(f"""name = "w"
seed = 1
replicates = 1
max_degree = 3
strategies = ["refuse-all"]
[graph]
edges = "{edges_txt}"
roles = "{net}/nodes.csv"
[people]
sample = {PEOPLE}
[invitations]
weeks = 1
per_week = 1.0
strangers = 1.0
[leads]
worlds = {TRIALS}
[output]
formats = ["csv"]
""")
    runs = []
    for _ in range(3):
        p = subprocess.run([BIN, "simulate", exp, "-o", os.path.join(tmp, "out"), "--force", "-v"],
                           capture_output=True, text=True, check=True)
        runs.append(float(re.search(r"simulation ([0-9.]+) s", p.stderr + p.stdout).group(1)))
    ours = sorted(runs)[1]
    # The peers: load (not timed), then triangles and cascades (timed).
    g = nk.readGraph(edges_txt, nk.Format.SNAP)
    g.indexEdges()
    t = time.perf_counter()
    tri = nk.sparsification.TriangleEdgeScore(g)
    tri.run()
    scores = tri.scores()
    t_tri = time.perf_counter() - t
    n = g.numberOfNodes()
    starts = np.zeros(n + 1, dtype=np.uint32)
    for u in range(n):
        starts[u + 1] = starts[u] + g.degree(u)
    heads = np.empty(int(starts[-1]), dtype=np.uint32)
    probs = np.empty(int(starts[-1]), dtype=np.float32)
    fill = starts[:-1].copy()

    def arc(u, v, w, eid):
        m = scores[eid]
        heads[fill[u]] = v
        probs[fill[u]] = WEAK + (STRONG - WEAK) * m / (m + HALF)
        fill[u] += 1

    g.forEdges(lambda u, v, w, eid: (arc(u, v, w, eid), arc(v, u, w, eid)))
    model = IndependentCascadeModel(starts, heads, activation_probs=probs)
    rng = np.random.default_rng(4)
    people = rng.choice(n, PEOPLE, replace=False)
    t = time.perf_counter()
    for s in people:
        for _ in range(TRIALS):
            model.reset_model()
            model.set_seeds([int(s)])
            for _ in range(STEPS):
                model.advance_model()
    t_ic = time.perf_counter() - t
    peer = t_tri + t_ic
    print(f"netreach simulation with leads (median of 3): {ours:.2f} s")
    print(f"peer: networkit triangles {t_tri:.2f} s + cynetdiff cascades {t_ic:.2f} s = {peer:.2f} s")
    print(f"netreach / peer = {ours / peer:.2f}")


if __name__ == "__main__":
    main()
