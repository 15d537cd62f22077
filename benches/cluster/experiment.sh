#!/usr/bin/env bash
# Memory, time and traffic of `netreach run --cluster` (docs/cluster.md): one
# plain process against 1, 2 and 3 cluster processes x 1 worker on loopback,
# on the quick experiment's network (Holme-Kim, 1M people, mean degree 20,
# seed 1: what `netreach run` builds) imported as a .nrg file.
# Experiments: the quick experiment without [leads] ("parts"), with them
# ("leads"), and with [market] too ("market"); each process reads only its
# part of the file every time (the job-lead and offer searches run on the
# parts too).
# Prints, per experiment and configuration, the median wall time of ROUNDS
# runs, the peak memory of every process (/usr/bin/time, KiB -> MiB), what each
# process sent to the others (run -v), the rounds, and whether the folder
# equals the plain one byte for byte.
# Usage: [JOBS="parts leads market"] benches/cluster/experiment.sh [ROUNDS]   (default 3;
# needs cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=${NETREACH:-$root/target/release/netreach}
out=bench-data/cluster-run
rounds=${1:-3}
mkdir -p "$out"
g=$out/quick.nrg
if [ ! -e "$g" ]; then
    "$bin" generate --model holme-kim --nodes 1000000 --avg-degree 20 --triad-prob 0.5 --seed 1 -o "$out/quick-net" -q --force
    "$bin" import graph "$out/quick-net/edges.parquet" --roles "$out/quick-net/nodes.parquet" -o "$g" -q --force
fi
# The quick experiment with its network from the file: [graph] replaced,
# [roles] dropped (the file carries them), [leads] kept or not.
experiment() {
    awk -v leads="$1" '
        /^\[/ { skip = ($0 ~ /^\[(graph|roles)\]/) || (leads == "no" && $0 ~ /^\[leads\]/) }
        /^\[graph\]/ { print "[graph]\nedges = \"quick.nrg\"\n" }
        !skip' data/experiments/quick.toml
}
experiment no > "$out/parts.toml"
experiment yes > "$out/leads.toml"
{ experiment yes; printf '\n[market]               # 20%% of everyone seeks work; offers in 64 worlds\n'; } > "$out/market.toml"
port=$((20000 + RANDOM % 20000))
# run JOB PROCESSES: one run into $out/JOB; PROCESSES 0 is the plain path (-j 2).
# Leaves "wall peak0 peak1 ..." in $out/last and each process's stderr in $out/err.I.
run() {
    local job=$1 p=$2 start end peaks=()
    rm -rf "${out:?}/$job"
    start=$(date +%s.%N)
    if [ "$p" = 0 ]; then
        /usr/bin/time -f "%M" -o "$out/time.0" "$bin" run "$out/$job.toml" -o "$out/$job" -v -j 2 2> "$out/err.0" > /dev/null
        p=1
    else
        : > "$out/hosts"
        for i in $(seq 0 $((p - 1))); do echo "127.0.0.1:$((port + i))" >> "$out/hosts"; done
        port=$((port + p))
        for i in $(seq 0 $((p - 1))); do
            /usr/bin/time -f "%M" -o "$out/time.$i" "$bin" run "$out/$job.toml" -o "$out/$job" -v -j 1 \
                --cluster "$out/hosts" --process "$i" --workers 1 2> "$out/err.$i" > /dev/null &
        done
        wait
    fi
    end=$(date +%s.%N)
    for i in $(seq 0 $((p - 1))); do peaks+=("$(( $(tail -n 1 "$out/time.$i") / 1024 ))"); done
    echo "$(echo "$end - $start" | bc) ${peaks[*]}" > "$out/last"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| experiment | processes | wall (median) | peak memory per process (MiB) | sent to other processes, per process (MiB) | rounds | same bytes |"
echo "|---|---|---|---|---|---|---|"
for job in ${JOBS:-parts leads market}; do
    for p in 0 1 2 3; do
        walls=()
        for _ in $(seq "$rounds"); do
            run "$job" "$p"
            read -r w peaks < "$out/last"
            walls+=("$w")
        done
        sent="–"; turns="–"; same="–"
        if [ "$p" = 0 ]; then
            rm -rf "${out:?}/$job-plain"
            mv "$out/$job" "$out/$job-plain"
        else
            sent=$(for i in $(seq 0 $((p - 1))); do
                sed -n 's/.*sent \([0-9.]*\) MiB to other processes.*/\1/p' "$out/err.$i"
            done | paste -sd ' ' | sed 's/ /, /g')
            turns=$(sed -n 's/.* in \([0-9]*\) rounds.*/\1/p' "$out/err.0")
            # The report names its folder: compare under the same name.
            mv "$out/$job" "$out/$job-cluster"
            mv "$out/$job-plain" "$out/$job"
            diff -r -q "$out/$job" "$out/$job-cluster" > /dev/null && same=yes || same=NO
            mv "$out/$job" "$out/$job-plain"
            rm -rf "${out:?}/$job-cluster"
        fi
        label=$([ "$p" = 0 ] && echo "plain, -j 2" || echo "$p x 1")
        printf '| %s | %s | %.2f s | %s | %s | %s | %s |\n' "$job" "$label" "$(median "${walls[@]}")" "$(echo "$peaks" | sed 's/ /, /g')" "$sent" "$turns" "$same"
    done
done
