#!/usr/bin/env bash
# One measured run of the module alone (no baseline) against a fresh FastStandIn, with the JVM flags given: for A/B
# comparisons of builds or flags, run in turns by the caller. The JIT's own account (-XX:+CITime) is read from the
# run's output when the flags ask for it.
#
#   bash bench/module-run.sh JAR CASE TAG [JVM flags ...]
#
# JAR: a copy of target/kaleyra-sender-route.jar (copy it aside: a build overwrites target/); CASE: 100k or 1m (one
# CSV file, 10% invalid, batches of 5000, the stand-in answering at once) or lat (the latency-bound case of run.sh:
# 100,000 records in two files, batches of 500, 8 calls in flight, each call answered after 200 ms).
# Prints one line: TAG CASE exit, CPU s (user + system), wall s, in-file s (per file), calls span s (first call's
# arrival to last call's end, as the stand-in saw it), lines of the success outputs (headers included), and with
# -XX:+CITime the compilers' totals (elapsed seconds: on a loaded machine they include time the threads waited).
# Everything lands in bench/work/module-runs/TAG-CASE-N/ (out.log, time.txt, standin.log).
# Needs the bench built (mvn -B -q -f bench/pom.xml package) and GNU time (/usr/bin/time).
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
[ $# -ge 3 ] || { sed -n '2,15p' "$0" >&2; exit 2; }
JAR=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
CASE=$2
TAG=$3
shift 3
BENCH_CP="$BENCH_DIR/target/kaleyra-sender-route-bench.jar:$BENCH_DIR/target/lib/*"
IN=$BENCH_DIR/work/input
mkdir -p "$IN" "$BENCH_DIR/work/module-runs"

input() { # records invalid% file
    [ -f "$3" ] || java -cp "$BENCH_CP" org.senderroute.bench.GenerateSenders "$1" "$3" "$2" >&2
    touch -d '-10 minutes' "$3"
}
case $CASE in
    100k) input 100000 10 "$IN/senders-100000.csv"; FILES=("$IN/senders-100000.csv"); LATENCY=0; EXTRA=() ;;
    1m) input 1000000 10 "$IN/senders-1000000.csv"; FILES=("$IN/senders-1000000.csv"); LATENCY=0; EXTRA=() ;;
    lat)
        f=$IN/latency-100000.csv
        if [ ! -f "$IN/latency-100000-part-01.csv" ]; then
            input 100000 0 "$f"
            tail -n +2 "$f" | split -l 50000 -d -a 2 --additional-suffix=.csv \
                --filter="{ head -n 1 '$f'; cat; } >\$FILE" - "$IN/latency-100000-part-"
        fi
        touch -d '-10 minutes' "$IN"/latency-100000-part-*.csv
        FILES=("$IN"/latency-100000-part-*.csv); LATENCY=200
        EXTRA=(SENDER_HTTP_MAX_CONCURRENT_CALLS=8 SENDER_BATCH_SIZE=500) ;;
    *) echo "CASE: 100k, 1m or lat" >&2; exit 2 ;;
esac

n=1
while [ -e "$BENCH_DIR/work/module-runs/$TAG-$CASE-$n" ]; do n=$((n + 1)); done
D=$BENCH_DIR/work/module-runs/$TAG-$CASE-$n
mkdir -p "$D/inbox" "$D/out/success" "$D/out/failure"
for f in "${FILES[@]}"; do ln "$f" "$D/inbox/" 2>/dev/null || cp -p "$f" "$D/inbox/"; done

java -Xms256m -Xmx1g -cp "$BENCH_CP" org.senderroute.bench.FastStandIn 0 "$LATENCY" sandbox-api-key >"$D/standin.log" 2>&1 &
STANDIN=$!
trap 'kill "$STANDIN" 2>/dev/null' EXIT
URL=
for _ in $(seq 1 300); do
    URL=$(awk '/^SANDBOX_URL http:\/\/[^ ]*:[0-9]+$/{print $2; exit}' "$D/standin.log")
    [ -n "$URL" ] && break
    sleep 0.1
done
[ -n "$URL" ] || { echo "the stand-in did not start" >&2; exit 1; }

T0=$EPOCHREALTIME
(cd "$ROOT" && /usr/bin/time -v -o "$D/time.txt" env KALEYRA_BASE_URL="$URL" KALEYRA_SID=SANDBOXSID \
    KALEYRA_API_KEY=sandbox-api-key KALEYRA_SANDBOX=false SENDER_INBOX="$D/inbox" SENDER_WORK_DIR="$D/staging" \
    "SENDER_OUTPUT_SUCCESS=file:$D/out/success?tempPrefix=.writing-" \
    "SENDER_OUTPUT_FAILURE=file:$D/out/failure?tempPrefix=.writing-" \
    SENDER_LEDGER_URL="jdbc:h2:file:$D/ledger/ledger" SENDER_LEDGER_JOURNAL="$D/ledger/ledger.journal" "${EXTRA[@]}" \
    java -Xmx256m "$@" -jar "$JAR" --once) >"$D/out.log" 2>&1
RC=$?
WALL=$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
kill "$STANDIN" 2>/dev/null
wait "$STANDIN" 2>/dev/null
CPU=$(awk -F': ' '/User time|System time/{s += $2} END {printf "%.1f", s}' "$D/time.txt")
INFILE=$(sed -n 's/.*\[csv\]: [0-9]* records, .* \([0-9.]*\) s\(;.*\)\{0,1\}$/\1/p' "$D/out.log" | paste -sd/ -)
SPAN=$(awk '/^SANDBOX_INFLIGHT /{for (i = 2; i <= NF; i++) if ($i ~ /^span=/) { sub("span=", "", $i); print $i }}' "$D/standin.log")
ROWS=$(cat "$D"/out/success/*.csv 2>/dev/null | wc -l)
JIT=$(awk '/Total compilation time/{t = $5} /C1 Compile Time:/{c1 = $4} /C2 Compile Time:/{c2 = $4}
    /^  C2 \{speed/{for (i = 1; i <= NF; i++) if ($i == "methods;" && m == "") m = $(i - 1)}
    END { if (t != "") printf " compile=%ss C1=%ss C2=%ss C2-methods=%s", t, c1, c2, m }' "$D/out.log")
rm -rf "$D/inbox" "$D/out" "$D/staging" "$D/ledger"
echo "$TAG $CASE exit=$RC cpu=${CPU}s wall=${WALL}s in-file=${INFILE:--}s span=${SPAN:--}s rows=$ROWS$JIT load=$(cut -d' ' -f1 /proc/loadavg)"
