#!/usr/bin/env python3
"""Side-by-side exact reach on W2 (issue 7): a Holme-Kim graph with 1,000,000
nodes and about 10M edges written by `netreach generate`, 200 sources, depth 3,
refuse-all and accept-all with about 10 pending invitations per source.

Usage (from the crate root; needs a release build and igraph in a venv):
    .venv/bin/python benches/peers/reach_w2.py [--runs 1]
Reuses the timing and agreement logic of reach_w1.py. Not part of CI.
"""
import argparse, os, random, subprocess, sys

sys.path.insert(0, os.path.dirname(__file__))
import reach_w1 as w1  # noqa: E402


def make_files(d, exe, nodes, sources, invites, seed):
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(os.path.join(d, "edges.txt")):
        subprocess.run([exe, "generate", "--model", "holme-kim", "--nodes", str(nodes), "--avg-degree", "20",
                        "--seed", str(seed), "--format", "txt", "-o", d, "-q"], check=True)
        # igraph's edge-list reader takes no comment lines: same edges, header dropped.
        with open(os.path.join(d, "edges.txt")) as src, open(os.path.join(d, "edges-plain.txt"), "w") as dst:
            for line in src:
                if not line.startswith("#"):
                    dst.write(line)
        os.replace(os.path.join(d, "nodes.csv"), os.path.join(d, "roles.csv"))
    rng = random.Random(seed + 1)
    picked = rng.sample(range(nodes), sources)
    with open(os.path.join(d, "sources.txt"), "w") as f:
        f.write("".join(f"{s}\n" for s in picked))
    with open(os.path.join(d, "invitations.csv"), "w") as f:
        f.write("to,from\n")
        for s in picked:
            for _ in range(invites):
                f.write(f"{s},{rng.randrange(nodes)}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default="bench-data/w2")
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--sources", type=int, default=200)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--netreach", default="target/release/netreach")
    a = ap.parse_args()
    make_files(a.dir, a.netreach, a.nodes, a.sources, 10, 2)
    sys.argv = [sys.argv[0], "--dir", a.dir, "--runs", str(a.runs), "--netreach", a.netreach,
                "--nodes", str(a.nodes), "--sources", str(a.sources)]
    w1.main()


if __name__ == "__main__":
    main()
