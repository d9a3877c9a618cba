#!/usr/bin/env bash
# joblevel against fastText on the same text, per CPU second.
#
#   bash benches/fasttext.sh [ROWS]      (default: 100000, the recipe's file in docs/performance.md)
#
# Generates the recipe's CSV (examples/gen_postings.rs, as benches/throughput.sh does), then
# gives fastText its easiest form of the same postings: the descriptions only, already
# lower-cased, one per line, no CSV. Two supervised fastText models are trained here (5
# labels: the levels `joblevel batch` gives the first 20,000 rows; training is not timed):
# `small`, dim 10 and words only, the cheapest fastText predicts with, and `bigrams`, dim 100
# and word bigrams (-wordNgrams 2), closer to what joblevel reads (stems and stem bigrams).
# Timed, median CPU seconds (user + system, GNU time) of 3 runs taken in turn:
#   - fasttext predict-prob MODEL.bin TEXT 1   (one thread: predict is single-threaded)
#   - joblevel batch -q --threads 1 FILE.csv -o OUT.csv  (the CSV read, the title read and
#     masked, evidence and the CSV written: all of it)
# and prints, per model, how many times joblevel's rate per CPU second is fastText's (3.00:
# joblevel needs a third of fastText's CPU time for the same postings). Installs Debian's `fasttext` package with apt-get when it is
# missing. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-100000}"
if ! command -v fasttext >/dev/null; then
    sudo=""
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq fasttext >/dev/null
fi
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }
cargo build --release --quiet --bin joblevel --example gen_postings
bin="${CARGO_TARGET_DIR:-target}/release"
dir="${TMPDIR:-/tmp}/joblevel-throughput"
mkdir -p "$dir"
file="$dir/postings-$rows.csv"
if [ ! -s "$file" ] || [ "$bin/examples/gen_postings" -nt "$file" ]; then
    "$bin"/examples/gen_postings "$rows" > "$file"
fi
# The descriptions, lower-cased, one per line; and fastText's training set.
"$bin"/joblevel batch -q --threads 2 --format jsonl "$file" > "$dir/scored.jsonl" || true
python3 - "$file" "$dir" <<'PY'
import csv, json, sys
csv.field_size_limit(1 << 30)
path, out = sys.argv[1], sys.argv[2]
with open(path, newline="", encoding="utf-8") as f, \
        open(f"{out}/fasttext-text.txt", "w", encoding="utf-8") as text:
    for row in csv.DictReader(f):
        text.write(" ".join(row["description"].lower().split()) + "\n")
with open(f"{out}/scored.jsonl", encoding="utf-8") as f, \
        open(f"{out}/fasttext-train.txt", "w", encoding="utf-8") as train:
    for i, line in enumerate(f):
        if i == 20000:
            break
        row = json.loads(line)
        if row.get("described_level"):
            words = " ".join(row["description"].lower().split())
            train.write(f"__label__{row['described_level']} {words}\n")
PY
train() {
    local name=$1; shift
    if [ ! -s "$dir/fasttext-$name.bin" ] || [ "$dir/fasttext-train.txt" -nt "$dir/fasttext-$name.bin" ]; then
        fasttext supervised -input "$dir/fasttext-train.txt" -output "$dir/fasttext-$name" \
            -epoch 5 -thread 2 -verbose 0 "$@"
    fi
}
train small -dim 10 -wordNgrams 1
train bigrams -dim 100 -wordNgrams 2

cpu() {
    /usr/bin/time -f "%U %S" -o "$dir/time.txt" "$@" >/dev/null
    awk '{print $1 + $2}' "$dir/time.txt"
}
median() { sort -n | sed -n 2p; }
small=(); bigrams=(); jl=()
for _ in 1 2 3; do
    small+=("$(cpu fasttext predict-prob "$dir/fasttext-small.bin" "$dir/fasttext-text.txt" 1)")
    jl+=("$(cpu "$bin"/joblevel batch -q --threads 1 "$file" -o "$dir/out.csv")")
    bigrams+=("$(cpu fasttext predict-prob "$dir/fasttext-bigrams.bin" "$dir/fasttext-text.txt" 1)")
done
small_med=$(printf '%s\n' "${small[@]}" | median)
bigrams_med=$(printf '%s\n' "${bigrams[@]}" | median)
jl_med=$(printf '%s\n' "${jl[@]}" | median)
mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN {printf "%.0f", b / 1e6}')
echo "joblevel $(git describe --always --dirty 2>/dev/null || echo '?'), $rows rows ($mb MB CSV)"
echo "joblevel batch --threads 1:               CPU s ${jl[*]} (median $jl_med)"
echo "fastText predict-prob, small (dim 10):    CPU s ${small[*]} (median $small_med)"
echo "fastText predict-prob, bigrams (dim 100): CPU s ${bigrams[*]} (median $bigrams_med)"
awk -v s="$small_med" -v b="$bigrams_med" -v j="$jl_med" 'BEGIN {
    printf "joblevel per CPU second: %.2fx fastText small, %.2fx fastText bigrams\n", s / j, b / j }'
rm -f "$dir/out.csv" "$dir/time.txt"
