#!/usr/bin/env bash
# Load on `joblevel serve`: N connections posting a 3 KB posting to /api/classify for S seconds,
# then the same while a ~100 MB CSV streams through /api/batch, then the same while slow
# clients attack: waves of SLOW half-open connections (part of a request header, then
# nothing), one batch client that never reads its response, and small batch uploads and
# health checks once a second. The server runs with the common limit of 1,024 open files.
#
#   nice bash benches/serve_load.sh [CONNECTIONS] [SECONDS] [CSV_ROWS] [SLOW]
#   (default 64 30 38000 1100)
#
# The slow clients are bounded: loopback only, SLOW connections per wave, one wave every 12 s
# of the phase (3 waves in 30 s), each closed by the client when the next one starts.
# Needs wrk (Debian: apt-get install wrk) and curl. The server and the load generator share
# the machine, so on a small machine the figures are the pair's, not the server's alone.
# Prints requests/s, latency p50/p99, errors (non-2xx and socket errors), the server's CPU time
# per request (with batches running, it includes theirs) and its peak RSS (VmHWM) per phase. A benchmark, not a test: nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-64}
secs=${2:-30}
rows=${3:-38000}
slow=${4:-1100}
files=1024
command -v wrk >/dev/null || { echo "serve_load.sh needs wrk: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "serve_load.sh needs curl: apt-get install curl" >&2; exit 1; }
cargo build --release --quiet --bin joblevel --example gen_postings
bin="${CARGO_TARGET_DIR:-target}/release"
dir="${TMPDIR:-/tmp}/joblevel-serve-load"
mkdir -p "$dir"

# A posting written for this benchmark (about 3 KB), as a JSON body.
cat > "$dir/posting.txt" <<'EOF'
Operations Manager, Northern Distribution Centre
Harbour & Pine Logistics moves furniture, flooring and garden goods for two hundred retailers from three warehouses. We are hiring an Operations Manager to run the Northern Distribution Centre, a site of 180 people over three shifts, and to keep it safe, on time and on budget.
What you will do
You will supervise the day-to-day running of the warehouse floor: inbound, put-away, picking, packing and dispatch. You will plan the weekly rota with your four shift leads, cover absences and make sure every shift starts with the right people on the right equipment. You will walk the floor every day, coach team leaders, and step in when a trailer is late or a line stops.
You will own the site's safety checks, the forklift licence register and the near-miss log, and you will lead the monthly safety walk with the health and safety adviser. You will count stock each week with the inventory team and chase every variance until it is explained.
You will track the site's numbers (orders shipped, pick accuracy, hours per order, overtime, damages) and explain them each Monday to the Director of Operations, to whom you report. You will manage a site budget of about four million pounds a year, raise purchase orders for consumables and agency labour, and keep agency hours inside the plan.
You will work with the transport planners on collection slots, with customer service on missed deliveries, and with the facilities team on racking, lighting and maintenance. You will write the site's standard operating procedures and train new starters on them. You will take part in continuous improvement projects, from slotting fast movers nearer the dock to a new returns process.
What you bring
Three to five years running a shift or a site in a warehouse, a distribution centre or a factory. Experience leading team leaders and managing a team of fifty or more. A working knowledge of a warehouse management system and of spreadsheets. Calm under pressure, organised, and at home on the floor as well as at a desk. A forklift licence is a plus; we will train the right person.
What we offer
Why this role matters
The Northern site ships a third of the company's orders and has grown by half in two years. It needs someone who will keep the basics tight every day (people, safety, stock, service) while the business adds a second mezzanine and a new carrier next spring. You will be the person the shift leads call first and the person the Director of Operations trusts to say what is really happening on the floor.
A salary of 42,000 to 48,000 pounds, a yearly bonus on site results, 25 days of holiday, a pension with a 6% employer match, free parking and a canteen. Hours are Monday to Friday, days, with one weekend in six on call. Apply with a CV and a short note about a shift you turned around.
EOF
# JSON-escape the posting (it has no quotes or backslashes): lines joined with \n.
{
    printf '{"text": "'
    awk 'BEGIN { ORS = "\\n" } { print }' "$dir/posting.txt"
    printf '"}'
} > "$dir/body.json"
cat > "$dir/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$dir/body.json", "rb")
wrk.body = f:read("*a")
f:close()
EOF

csv="$dir/postings-$rows.csv"
if [ ! -s "$csv" ] || [ "$bin/examples/gen_postings" -nt "$csv" ]; then
    "$bin"/examples/gen_postings "$rows" > "$csv"
fi

# exec: the subshell becomes the server, so $! is the server's pid.
( ulimit -n "$files" && exec "$bin"/joblevel serve --quiet --addr 127.0.0.1:0 ) 2> "$dir/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
url=""
for _ in $(seq 100); do
    url=$(grep -o 'http://[0-9.:]*' "$dir/server.log" || true)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$dir/server.log" >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$dir/body.json" "$url/api/classify")
[ "$code" = 200 ] || { echo "a first request answered $code" >&2; exit 1; }

# run_wrk NAME: one wrk run; prints a table row.
run_wrk() {
    local cpu_before cpu_after
    cpu_before=$(awk '{print $14 + $15}' /proc/$server/stat)
    wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$dir/post.lua" "$url/api/classify" > "$dir/wrk-$1.txt"
    cpu_after=$(awk '{print $14 + $15}' /proc/$server/stat)
    awk -v name="$1" -v rss="$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' /proc/$server/status)" \
        -v cpu="$(( (cpu_after - cpu_before) * 1000 / $(getconf CLK_TCK) ))" '
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
        /Non-2xx/ { bad += $NF }
        /Socket errors/ { gsub(",", ""); bad += $4 + $6 + $8 + $10 }
        /requests in/ { n = $1 }
        END { printf "| %s | %d | %.0f | %s | %s | %d | %.0f | %s |\n", name, n, rps, p50, p99, bad, cpu / n * 1000, rss }
    ' "$dir/wrk-$1.txt"
}

echo "joblevel $(git describe --always --dirty 2>/dev/null || echo '?'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "$conns connections, ${secs} s, POST /api/classify with a $(wc -c < "$dir/posting.txt")-byte posting"
echo
echo "| phase | requests | req/s | p50 | p99 | errors | server CPU µs per request | server peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
run_wrk "classify alone"
# Batches run back to back for the whole second phase; each streams the same file.
rm -f "$dir/stop"
(
    while [ ! -e "$dir/stop" ]; do
        curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_upload} %{size_download}\n' \
            -H 'Content-Type: text/csv' --data-binary @"$csv" "$url/api/batch"
    done
) > "$dir/batch.txt" &
batch=$!
run_wrk "classify + $(awk -v b="$(stat -c %s "$csv")" 'BEGIN {printf "%.0f", b / 1e6}') MB CSV batches"
touch "$dir/stop"
wait $batch
rm -f "$dir/stop"
awk '{ n++; if ($1 == 200) ok++; t += $2; u += $3 }
    END { printf "batches: %d run, %d answered 200, %.0f MB streamed in %.1f s (%.1f MB/s while serving the load)\n",
          n, ok, u / 1e6, t, u / 1e6 / t }' "$dir/batch.txt"

# Slow clients. Each wave opens $slow connections through bash's /dev/tcp and sends part of a
# request header, then nothing; the previous wave is closed first (by us, if the server has
# not closed it already). A subshell, so its descriptors and ulimit stay its own.
port=${url##*:}
slow_waves() {
    trap '' PIPE
    ulimit -n $((slow + 256)) 2>/dev/null || { echo "cannot open $slow descriptors here (ulimit -Hn)" >&2; exit 1; }
    local open=() fd i
    while [ ! -e "$dir/stop" ]; do
        for fd in "${open[@]}"; do exec {fd}>&-; done
        open=()
        for ((i = 0; i < slow; i++)); do
            if exec {fd}<>"/dev/tcp/127.0.0.1/$port"; then
                printf 'GET /api/health HTTP/1.1\r\nHost: x\r\nUser-Agent: slow' >&"$fd" 2>/dev/null || true
                open+=("$fd")
            fi
        done 2>/dev/null
        echo "wave $(date +%s.%N) ${#open[@]}"
        for ((i = 0; i < 120; i++)); do
            [ -e "$dir/stop" ] && break
            sleep 0.1
        done
    done
    for fd in "${open[@]}"; do exec {fd}>&-; done
}
# One batch client that sends the CSV and never reads the answer; the server cuts it.
stalled_reader() {
    trap '' PIPE
    local fd
    exec {fd}<>"/dev/tcp/127.0.0.1/$port"
    {
        printf 'POST /api/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n' "$(stat -c %s "$csv")"
        cat "$csv"
    } >&"$fd" 2>/dev/null || true
    # Hold the socket (unread) until the phase ends.
    while [ ! -e "$dir/stop" ]; do sleep 0.2; done
    exec {fd}>&-
}
# Once a second: a health check (given 10 s) and a small batch upload (given 30 s: it may
# wait --batch-wait, 10 s, for the slot).
probes() {
    while [ ! -e "$dir/stop" ]; do
        curl -s -o /dev/null --max-time 10 -w 'health %{http_code} %{time_total}\n' "$url/api/health" || true
        curl -s -o /dev/null --max-time 30 -w 'batch %{http_code} %{time_total}\n' \
            -H 'Content-Type: text/csv' --data-binary @corpora/postings.csv "$url/api/batch" || true
        sleep 1
    done
}
rm -f "$dir/stop"
grep -c . "$dir/server.log" > "$dir/log-lines-before"
slow_waves > "$dir/waves.txt" &
waves=$!
stalled_reader &
reader=$!
probes > "$dir/probes.txt" &
prober=$!
run_wrk "classify + $slow slow clients"
touch "$dir/stop"
wait $waves $reader $prober || true
rm -f "$dir/stop"
awk '{ n++; c += $3 } END { printf "slow clients: %d waves, %d half-open connections opened (limit %d open files)\n", n, c, '"$files"' }' "$dir/waves.txt"
tail -n +"$(( $(cat "$dir/log-lines-before") + 1 ))" "$dir/server.log" > "$dir/slow-log.txt"
awk '
    /shed [0-9]+ connection/ { shed += $3 }
    /closed [0-9]+ connection\(s\) that sent no complete request/ { timed += $3 }
    /refused [0-9]+ connection/ { refused += $3 }
    /cut [0-9]+ response/ { cut += $3 }
    END { printf "server: shed %d at the connection cap, closed %d after the header timeout, refused %d, cut %d stalled response(s)\n", shed, timed, refused, cut }
' "$dir/slow-log.txt"
if grep -q '/api/batch stopped' "$dir/slow-log.txt"; then
    echo "the batch client that never read its answer was cut, its slot freed"
else
    echo "the batch client that never read its answer was NOT cut during the phase"
fi
awk '$1 == "health" { n++; if ($2 == 200) ok++; if ($3 > max) max = $3 }
    END { printf "health checks: %d, %d answered 200, slowest %.0f ms\n", n, ok, max * 1000 }' "$dir/probes.txt"
awk '$1 == "batch" { n++; s[$2]++; if ($3 > max) max = $3 }
    END { printf "small batch uploads: %d:", n; for (c in s) printf " %d answered %s", s[c], c; printf ", slowest %.0f ms\n", max * 1000 }' "$dir/probes.txt"
