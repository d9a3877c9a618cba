#!/usr/bin/env bash
# Reproducible end-to-end throughput of `joblevel batch` on generated CSVs.
#
#   bash benches/throughput.sh [ROWS ...]      (default: 100000 1000000)
#
# For each size: generates a deterministic synthetic CSV (examples/gen_postings.rs: quoted
# multi-line descriptions of 1.5-3 KB, a title column), then times, median of 3 runs:
#   - a bare read of the file with the csv crate (examples/csv_read.rs): the practical limit;
#   - joblevel batch --threads 1 and --threads 2 (CSV in -> CSV out, to a file).
# Prints a Markdown table: MB/s and rows/s (wall clock), CPU seconds and MB per CPU second
# (the per-core rate, which other processes on the machine barely change), peak RSS, speed-up
# 1->2 threads, ratio to the read. Wall-clock figures on a shared machine are noisy: compare
# ratios from one run, and per-CPU-second rates, not absolute wall times across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin joblevel --example gen_postings --example csv_read
# The binaries just built: honour CARGO_TARGET_DIR, or a stale build elsewhere gets timed.
bin="${CARGO_TARGET_DIR:-target}/release"
dir="${TMPDIR:-/tmp}/joblevel-throughput"
mkdir -p "$dir"
have_time=0
[ -x /usr/bin/time ] && have_time=1

# run CMD...: prints "seconds peak_kb cpu_seconds" (peak and CPU 0 without GNU time)
run() {
    if [ "$have_time" = 1 ]; then
        /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$@" >/dev/null
        awk '{print $1, $2, $3 + $4}' "$dir/time.txt"
    else
        local start end
        start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
        echo "$(echo "$end - $start" | bc) 0 0"
    fi
}

# median3 CMD...: of three runs, the median wall time with that run's CPU time, and the
# highest peak RSS
median3() {
    local a b c
    a=$(run "$@"); b=$(run "$@"); c=$(run "$@")
    printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -n |
        awk 'NR==2 {s=$1; u=$3} {if ($2>m) m=$2} END {print s, m, u}'
}

echo "joblevel $(git describe --always --dirty 2>/dev/null || echo '?'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo
echo "| rows | file MB | what | seconds | MB/s | rows/s | CPU s | MB per CPU s | peak RSS MB | vs 1 thread | vs csv read |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for rows in "${@:-100000 1000000}"; do
    file="$dir/postings-$rows.csv"
    # Generated once per generator build; a changed generator writes new files.
    if [ ! -s "$file" ] || [ "$bin/examples/gen_postings" -nt "$file" ]; then
        "$bin"/examples/gen_postings "$rows" > "$file"
    fi
    mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN {printf "%.1f", b / 1e6}')
    read -r t_read m_read c_read < <(median3 "$bin"/examples/csv_read "$file")
    read -r t1 m1 c1 < <(median3 "$bin"/joblevel batch -q --threads 1 "$file" -o "$dir/out.csv")
    read -r t2 m2 c2 < <(median3 "$bin"/joblevel batch -q --threads 2 "$file" -o "$dir/out.csv")
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
    for line in "csv read|$t_read|$m_read|$c_read|-|1.00" \
                "batch, 1 thread|$t1|$m1|$c1|1.00|$(ratio "$t_read" "$t1")" \
                "batch, 2 threads|$t2|$m2|$c2|$(ratio "$t1" "$t2")|$(ratio "$t_read" "$t2")"; do
        IFS='|' read -r what t m c speedup vs_read <<< "$line"
        awk -v r="$rows" -v mb="$mb" -v w="$what" -v t="$t" -v m="$m" -v c="$c" -v s="$speedup" -v q="$vs_read" \
            'BEGIN {printf "| %d | %.0f | %s | %.2f | %.0f | %.0f | %.2f | %s | %.0f | %s | %s |\n",
                    r, mb, w, t, mb / t, r / t, c, (c > 0 ? sprintf("%.0f", mb / c) : "-"), m / 1024, s, q}'
    done
done
rm -f "$dir/out.csv" "$dir/time.txt"
