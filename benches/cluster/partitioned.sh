#!/usr/bin/env bash
# Memory and traffic of a partitioned cluster (docs/cluster.md): one plain
# process against 1, 2 and 3 cluster processes x 1 worker on loopback, each
# reading only its part of the same .nrg file. The graph: Holme-Kim, 3M nodes,
# mean degree 20 (30M edges), seed 5, as benches/kernel/sparse.sh makes it.
# Jobs: exact reach of 256 sampled people to depth 3, and HyperBall for every
# node (--all --approx, precision 7) to depth 3.
# Prints, per job and configuration, the median wall time of ROUNDS runs, the
# peak memory of every process (/usr/bin/time, KiB -> MiB), what each process
# sent to the others (reach -v) and whether the output equals the plain one.
# Usage: [JOBS=exact] benches/cluster/partitioned.sh [ROUNDS] [APPROX_ROUNDS]   (default 3 1;
# needs cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${NETREACH:-target/release/netreach}
out=bench-data/partitioned
rounds=${1:-3}
approx_rounds=${2:-1}
mkdir -p "$out"
g=$out/hk3m.nrg
if [ ! -e "$g" ]; then
    "$bin" generate --model holme-kim --nodes 3000000 --avg-degree 20 --seed 5 -o "$out/hk3m" -q --force
    "$bin" import graph "$out/hk3m/edges.parquet" --roles "$out/hk3m/nodes.parquet" -o "$g" -q --force
fi
port=$((20000 + RANDOM % 20000))
# run JOB PROCESSES ARGS... : one run; PROCESSES 0 is the plain path (-j 2).
# Leaves "wall peak0 peak1 ..." in $out/last and each process's stderr in $out/err.I.
run() {
    local job=$1 p=$2; shift 2
    local start end peaks=()
    start=$(date +%s.%N)
    if [ "$p" = 0 ]; then
        /usr/bin/time -f "%M" -o "$out/time.0" "$bin" reach --graph "$g" -o "$out/$job-plain.csv" --force -v -j 2 "$@" 2> "$out/err.0" > /dev/null
        p=1
    else
        : > "$out/hosts"
        for i in $(seq 0 $((p - 1))); do echo "127.0.0.1:$((port + i))" >> "$out/hosts"; done
        port=$((port + p))
        for i in $(seq 0 $((p - 1))); do
            /usr/bin/time -f "%M" -o "$out/time.$i" "$bin" reach --graph "$g" -o "$out/$job-cluster.csv" --force -v -j 1 \
                "$@" --cluster "$out/hosts" --process "$i" --workers 1 2> "$out/err.$i" > /dev/null &
        done
        wait
    fi
    end=$(date +%s.%N)
    for i in $(seq 0 $((p - 1))); do peaks+=("$(( $(tail -n 1 "$out/time.$i") / 1024 ))"); done
    echo "$(echo "$end - $start" | bc) ${peaks[*]}" > "$out/last"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| job | processes | wall (median) | peak memory per process (MiB) | sent to other processes, per process (MiB) | rounds | same bytes |"
echo "|---|---|---|---|---|---|---|"
for job in ${JOBS:-exact approx}; do
    if [ "$job" = exact ]; then
        args=(--sample 256 --seed 1 --max-degree 3); n=$rounds
    else
        args=(--all --approx --precision 7 --max-degree 3); n=$approx_rounds
    fi
    for p in 0 1 2 3; do
        walls=()
        for _ in $(seq "$n"); do
            run "$job" "$p" "${args[@]}"
            read -r w peaks < "$out/last"
            walls+=("$w")
        done
        sent="–"; turns="–"; same="–"
        if [ "$p" != 0 ]; then
            sent=$(for i in $(seq 0 $((p - 1))); do
                sed -n 's/.*sent \([0-9.]*\) MiB to other processes.*/\1/p' "$out/err.$i"
            done | paste -sd ' ' | sed 's/ /, /g')
            turns=$(sed -n 's/.* in \([0-9]*\) rounds.*/\1/p' "$out/err.0")
            cmp -s "$out/$job-plain.csv" "$out/$job-cluster.csv" && same=yes || same=NO
        fi
        label=$([ "$p" = 0 ] && echo "plain, -j 2" || echo "$p x 1")
        printf '| %s | %s | %.2f s | %s | %s | %s | %s |\n' "$job" "$label" "$(median "${walls[@]}")" "$(echo "$peaks" | sed 's/ /, /g')" "$sent" "$turns" "$same"
    done
done
