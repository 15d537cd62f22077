#!/usr/bin/env bash
# Does exact reach cost what a traversal touches? Arcs per second on depth-2 balls
# in a 3M-node graph (small balls, random reads) against depth-3 balls that cover
# most of a 1M-node graph (bottom-up, sequential reads), run alternately in one
# sitting; prints every run and the medians. Both graphs are Holme–Kim, mean
# degree 20, generated with fixed seeds.
# Usage: benches/kernel/sparse.sh [ROUNDS]   (default 5; needs cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${NETREACH:-target/release/netreach}
out=bench-data/kernel
rounds=${1:-5}
mkdir -p "$out"
for n in 1000000 3000000; do
    if [ ! -e "$out/hk$n.nrg" ]; then
        "$bin" generate --model holme-kim --nodes "$n" --avg-degree 20 --seed 5 -o "$out/hk$n" -q --force
        "$bin" import graph "$out/hk$n/edges.parquet" --roles "$out/hk$n/nodes.parquet" -o "$out/hk$n.nrg" -q --force
    fi
done
rate() { # graph, sample, depth, seed -> million arcs/s
    "$bin" reach --graph "$1" --sample "$2" --max-degree "$3" --seed "$4" -o "$out/reach.csv" --force -v 2>&1 |
        sed -n 's/.* s: \([0-9]*\) million arcs\/s.*/\1/p'
}
small=(); large=()
for r in $(seq "$rounds"); do
    s=$(rate "$out/hk3000000.nrg" 16384 2 "$r"); small+=("$s")
    l=$(rate "$out/hk1000000.nrg" 256 3 "$r"); large+=("$l")
    echo "round $r: depth 2 on 3M nodes, 16384 people: $s M arcs/s; depth 3 on 1M nodes, 256 people: $l M arcs/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms=$(median "${small[@]}"); ml=$(median "${large[@]}")
echo "medians: depth 2 (3M nodes) $ms M arcs/s; depth 3 (1M nodes) $ml M arcs/s; ratio $(awk -v a="$ms" -v b="$ml" 'BEGIN {printf "%.0f%%", 100 * a / b}')"
