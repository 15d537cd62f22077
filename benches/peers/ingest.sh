#!/usr/bin/env bash
# Loading a 100M-edge graph: netreach from Parquet and from text, against
# polars' own read of the Parquet columns, alternately in one sitting; wall time
# of the whole process and peak memory (/usr/bin/time), medians printed.
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
measure() { # label, command... -> "seconds KiB"
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > /dev/null 2>&1
    read -r s k < "$out/time.txt"
    echo "$label $s s, peak $((k / 1024)) MiB" >&2
    echo "$s"
}
p=(); t=(); l=()
for r in $(seq "$rounds"); do
    p+=("$(measure "netreach import (Parquet)" "$bin" import graph "$out/parquet/edges.parquet" -o "$out/g.nrg" --force)")
    t+=("$(measure "netreach import (text)" "$bin" import graph "$out/txt/edges.txt" -o "$out/g.nrg" --force)")
    l+=("$(measure "polars read_parquet" "$py" "$out/read.py" "$out/parquet/edges.parquet")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mp=$(median "${p[@]}"); mt=$(median "${t[@]}"); ml=$(median "${l[@]}")
echo "medians: Parquet $mp s, text $mt s, polars $ml s; Parquet/text $(awk -v a="$mp" -v b="$mt" 'BEGIN {printf "%.2f", a / b}'), Parquet/polars $(awk -v a="$mp" -v b="$ml" 'BEGIN {printf "%.1f", a / b}')"
