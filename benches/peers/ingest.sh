#!/usr/bin/env bash
# Loading a 100M-edge graph: netreach from Parquet and from text, against
# polars' own read of the Parquet columns, alternately in one sitting; wall time
# of the whole process and peak memory (/usr/bin/time), and netreach's own time
# to build the graph (its -v line; the rest is writing the 0.9 GB .nrg file),
# medians printed.
# The graph: Chung–Lu, log-normal degrees, 10M nodes, mean degree 20, seed 5.
# Usage: benches/peers/ingest.sh [ROUNDS]   (default 3; needs cargo build --release
# and a Python with polars: python -m pip install polars)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${NETREACH:-target/release/netreach}
py=${PYTHON:-python3}
out=bench-data/ingest
rounds=${1:-3}
mkdir -p "$out"
for f in parquet txt; do
    [ -e "$out/$f" ] || "$bin" generate --model chung-lu --nodes 10000000 --avg-degree 20 --seed 5 --format "$f" -o "$out/$f" -q --force
done
cat > "$out/read.py" <<'PY'
import sys, polars as pl
df = pl.read_parquet(sys.argv[1], columns=["source", "target"])
print(df.height)
PY
measure() { # label, command... -> "seconds" (and the graph build's seconds in $out/build.txt)
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > /dev/null 2> "$out/err.txt"
    read -r s k < "$out/time.txt"
    sed -n 's/^graph .* in \([0-9.]*\) s$/\1/p' "$out/err.txt" > "$out/build.txt"
    local built; built=$(cat "$out/build.txt")
    echo "$label $s s${built:+ (graph built in $built s)}, peak $((k / 1024)) MiB" >&2
    echo "$s"
}
p=(); t=(); l=(); pb=(); tb=()
for r in $(seq "$rounds"); do
    p+=("$(measure "netreach import (Parquet)" "$bin" import graph "$out/parquet/edges.parquet" -o "$out/g.nrg" --force -v)")
    pb+=("$(cat "$out/build.txt")")
    t+=("$(measure "netreach import (text)" "$bin" import graph "$out/txt/edges.txt" -o "$out/g.nrg" --force -v)")
    tb+=("$(cat "$out/build.txt")")
    l+=("$(measure "polars read_parquet" "$py" "$out/read.py" "$out/parquet/edges.parquet")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mp=$(median "${p[@]}"); mt=$(median "${t[@]}"); ml=$(median "${l[@]}")
mpb=$(median "${pb[@]}"); mtb=$(median "${tb[@]}")
echo "medians, whole process: Parquet $mp s, text $mt s, polars $ml s; Parquet/text $(ratio "$mp" "$mt"), Parquet/polars $(ratio "$mp" "$ml")"
echo "medians, graph built: Parquet $mpb s, text $mtb s; Parquet/text $(ratio "$mpb" "$mtb"), Parquet/polars $(ratio "$mpb" "$ml")"
