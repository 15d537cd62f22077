#!/usr/bin/env bash
# Calibration runs behind docs/calibration.md: generate networks of several sizes,
# then measure their distance distribution (HyperBall) and friends of friends.
# Usage: benches/calibration/run.sh [SIZES...]   (default: 100000 1000000 10000000)
# Needs a release build (cargo build --release). Writes bench-data/calibration/.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${NETREACH:-target/release/netreach}
out=bench-data/calibration
mkdir -p "$out"
sizes=("${@:-100000 1000000 10000000}")
# shellcheck disable=SC2206
sizes=(${sizes[@]})
run() { # name, then generate flags
    local name=$1; shift
    local dir="$out/$name"
    if [ ! -e "$dir/graph.nrg" ]; then
        /usr/bin/time -f "$name generate: %e s, %M KiB" "$bin" generate "$@" --seed 1 --format parquet -o "$dir" -q --force
        "$bin" import graph "$dir/edges.parquet" --roles "$dir/nodes.parquet" -o "$dir/graph.nrg" -q --force
    fi
    /usr/bin/time -f "$name distances: %e s, %M KiB" "$bin" stats --graph "$dir/graph.nrg" --distances -o "$dir/distances.csv" --force | tee "$dir/distances.txt"
    /usr/bin/time -f "$name ego: %e s, %M KiB" "$bin" stats --graph "$dir/graph.nrg" --ego --sample 2000 -o "$dir/ego.csv" --force | tee "$dir/ego.txt"
}
for n in "${sizes[@]}"; do
    # The preset's mean degree (200) up to a million people: ten million at that
    # degree is a billion connections, beyond one 24 GiB machine.
    if [ "$n" -le 1000000 ]; then
        run "linkedin-$n" --preset linkedin --nodes "$n"
    fi
    # The same structure at mean degree 20, at every size: how distances grow with N.
    run "linkedin-d20-$n" --preset linkedin --nodes "$n" --avg-degree 20
done
