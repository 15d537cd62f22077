#!/usr/bin/env python3
"""An outside oracle for netreach's expected job leads: an independent cascade
(cynetdiff) on the same graph, stopped after max_degree steps.

With every person their own firm and knowing of its openings (insider_knows 1,
what a network read from files means), relevance 1, forwarding 1 at every
position and one pass probability p for every tie, netreach's expected leads
of a seeker are openings_per_employee times the expected number of people
joined to the seeker by a path of at most max_degree live ties (each tie live
with p). That is an independent cascade started at the seeker with activation
probability p, stopped after max_degree steps: the live-edge view of the
cascade makes the two the same quantity. This script runs netreach on a small
generated graph with those settings, runs the cascade TRIALS times from each
person studied, and checks that every person's figure agrees within 3
standard errors (of the cascade's mean and netreach's Monte Carlo, combined).

usage: python3 benches/peers/leads_ic.py [NETREACH_BINARY]
needs: pip install cynetdiff networkx (peer scripts only; the build and the
tests never need Python)
"""
import csv
import math
import os
import subprocess
import sys
import tempfile

import networkx as nx
from cynetdiff.utils import networkx_to_ic_model

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/netreach"
P, DEPTH, TRIALS, WORLDS = 0.25, 3, 4000, 4096


def main():
    tmp = tempfile.mkdtemp(prefix="leads-ic-")
    net = os.path.join(tmp, "net")
    subprocess.run([BIN, "-q", "generate", "--model", "holme-kim", "--nodes", "3000",
                    "--avg-degree", "6", "--seed", "5", "--format", "csv", "-o", net], check=True)
    exp = os.path.join(tmp, "ic.toml")
    with open(exp, "w") as f:
        f.write(f"""name = "ic"
seed = 3
replicates = 1
max_degree = {DEPTH}
strategies = ["refuse-all"]
[graph]
edges = "{net}/edges.csv"
roles = "{net}/nodes.csv"
[people]
sample = 40
[invitations]
weeks = 1
per_week = 1.0
strangers = 1.0
[leads]
worlds = {WORLDS}
openings_per_employee = 1.0
insider_knows = 1.0
relevance_same = 1.0
relevance_other = 1.0
pass_weak = {P}
pass_strong = {P}
forward_near = 1.0
forward_far = 1.0
[output]
formats = ["csv"]
""")
    out = os.path.join(tmp, "out")
    subprocess.run([BIN, "-q", "simulate", exp, "-o", out], check=True)
    ours = {}
    with open(os.path.join(out, "leads.csv")) as f:
        for r in csv.DictReader(f):
            if int(r["hops"]) == DEPTH:
                ours[int(r["person"])] = float(r["expected_leads_up_to"])
    g = nx.Graph()
    with open(os.path.join(net, "edges.csv")) as f:
        next(f)
        for line in f:
            a, b = line.strip().split(",")
            g.add_edge(int(a), int(b))
    # The probability p is quantized to 2^-12 by netreach: 0.25 is exact.
    model, index = networkx_to_ic_model(g, activation_prob=P)
    worst, fails = 0.0, 0
    for person, mine in sorted(ours.items()):
        xs = []
        for _ in range(TRIALS):
            model.reset_model()
            model.set_seeds([index[person]])
            for _ in range(DEPTH):
                model.advance_model()
            xs.append(model.get_num_activated_nodes() - 1)
        m = sum(xs) / TRIALS
        var = sum((x - m) ** 2 for x in xs) / (TRIALS - 1)
        # netreach's worlds have the same spread per world.
        se = math.sqrt(var / TRIALS + var / WORLDS)
        z = abs(mine - m) / se if se > 0 else 0.0
        worst = max(worst, z)
        fails += z > 3
        print(f"person {person:>5}: netreach {mine:8.3f}  cascade {m:8.3f} ± {se:.3f}  z {z:.2f}")
    print(f"{len(ours)} people; largest |z| {worst:.2f}; {fails} beyond 3 standard errors")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
