#!/usr/bin/env bash
# One instance of the module against three, on the same files: the instances share one inbox, the output folders
# and one PostgreSQL ledger (sender.ledger.store=jdbc), and call the module's Kaleyra sandbox, which answers every
# call after LATENCY_MS. Measures the time from the files' drop into the inbox (every instance already running) to
# the last one archived in .done, the calls the sandbox received, and the ratio of the two wall times.
#
#   bash bench/instances.sh
#
# Environment (all optional):
#   FILES=12 RECORDS_PER_FILE=5000   the files dropped (all records valid, no sender in two files)
#   BATCH_SIZE=250                   sender.batch.size
#   LATENCY_MS=200                   the sandbox's delay before every reply
#   CALLS_IN_FLIGHT=4                sender.http.max-concurrent-calls of each instance (the shipped default)
#   RATE=1000                        sender.http.max-requests-per-second (high: the latency, not the limit, bounds the calls)
#   SIDES="1 3"                      the numbers of instances measured, in that order
#   RUNS=1                           runs of each side, in turns
#   RUN_TIMEOUT=300                  seconds before a run is given up
#   XMX=256m                         heap of each instance
#   SKIP_BUILD=1                     reuse target/ and bench/target/ as they are
#   PRODUCT_ENV="K=V ..."            extra environment for every instance
# Everything lands in bench/work/instances/ (git-ignored): results.md, runs/<side>-<run>/ (each instance's log).
# Calls in flight are the sandbox's (SandboxServer samples its threads sleeping out the latency every 5 ms).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
WORK=$BENCH_DIR/work/instances
FILES=${FILES:-12}
RECORDS_PER_FILE=${RECORDS_PER_FILE:-5000}
BATCH_SIZE=${BATCH_SIZE:-250}
LATENCY_MS=${LATENCY_MS:-200}
CALLS_IN_FLIGHT=${CALLS_IN_FLIGHT:-4}
RATE=${RATE:-1000}
SIDES=${SIDES:-"1 3"}
RUNS=${RUNS:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
XMX=${XMX:-256m}
SKIP_BUILD=${SKIP_BUILD:-0}
PRODUCT_ENV=${PRODUCT_ENV:-}

PRODUCT_JAR=$ROOT/target/kaleyra-sender-route.jar
BENCH_JAR=$BENCH_DIR/target/kaleyra-sender-route-bench.jar
BENCH_CP="$BENCH_JAR:$BENCH_DIR/target/lib/*"
SANDBOX_CP="$BENCH_JAR:$PRODUCT_JAR"
SID=SANDBOXSID
API_KEY=sandbox-api-key
TOTAL=$((FILES * RECORDS_PER_FILE))
PIDS=()

log() { printf '[instances %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

stop_all() { # SIGTERM to every process started, then wait for each
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
}
trap stop_all EXIT

await_line() { # file pattern seconds pid -> waits until the file holds a line matching the pattern
    local i
    for i in $(seq 1 $(($3 * 10))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        kill -0 "$4" 2>/dev/null || { cat "$1" >&2; die "$(basename "$1" .log) ended before it was ready"; }
        sleep 0.1
    done
    die "no '$2' in $1 within $3 s"
}

rows_in() { # directory -> data rows of its CSV files
    local n=0 f
    for f in "$1"/*.csv; do
        [ -f "$f" ] || continue
        n=$((n + $(wc -l <"$f") - 1))
    done
    echo "$n"
}

# ---------------------------------------------------------------------------------------------- build and input
if [ "$SKIP_BUILD" != 1 ] || [ ! -f "$PRODUCT_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
    log "building the module (mvn install -DskipTests) and the bench"
    (cd "$ROOT" && mvn -B -q -ntp -Dstyle.color=never install -DskipTests)
    mvn -B -q -ntp -Dstyle.color=never -f "$BENCH_DIR/pom.xml" package
fi
mkdir -p "$WORK/input" "$WORK/runs"
INPUT=$WORK/input/$FILES-x-$RECORDS_PER_FILE
if [ ! -d "$INPUT" ]; then
    # one file of every record, cut into FILES files with the header each: no sender is in two files
    java -cp "$BENCH_CP" org.senderroute.bench.GenerateSenders "$TOTAL" "$WORK/input/all.csv" 0 >&2
    mkdir -p "$INPUT.tmp"
    awk -v per="$RECORDS_PER_FILE" -v dir="$INPUT.tmp" 'NR == 1 { header = $0; next }
        { n = int((NR - 2) / per) + 1; f = sprintf("%s/senders%02d.csv", dir, n);
          if (!(f in started)) { print header > f; started[f] = 1 } print > f }' "$WORK/input/all.csv"
    rm -f "$WORK/input/all.csv"
    mv "$INPUT.tmp" "$INPUT"
fi

# ---------------------------------------------------------------------------------------------- one run
# run SIDE RUN: SIDE instances on a fresh sandbox and PostgreSQL; appends a line to RESULTS
run() {
    local side=$1 run=$2 d=$WORK/runs/$1-$2 i pg_url sandbox_url t0 t1 done_count=0 posts created inflight ok failed wall
    rm -rf "$d"
    mkdir -p "$d/inbox" "$d/staging" "$d/out/success" "$d/out/failure"

    java -Xmx2g -cp "$SANDBOX_CP" org.senderroute.bench.SandboxServer 0 "$LATENCY_MS" 5000 >"$d/sandbox.log" 2>&1 &
    local sandbox_pid=$!
    PIDS+=("$sandbox_pid")
    java -cp "$BENCH_CP" org.senderroute.bench.PostgresServer "$d/ledger-password" >"$d/postgres.log" 2>&1 &
    local pg_pid=$!
    PIDS+=("$pg_pid")
    await_line "$d/sandbox.log" '^SANDBOX_URL ' 60 "$sandbox_pid"
    await_line "$d/postgres.log" '^PG_URL ' 60 "$pg_pid"
    sandbox_url=$(awk '/^SANDBOX_URL /{print $2; exit}' "$d/sandbox.log")
    pg_url=$(awk '/^PG_URL /{print $2; exit}' "$d/postgres.log")

    local instance_pids=()
    for i in $(seq 1 "$side"); do
        mkdir -p "$d/instance-$i"
        # shellcheck disable=SC2086
        (cd "$d/instance-$i" && exec env KALEYRA_BASE_URL="$sandbox_url" KALEYRA_SID=$SID KALEYRA_API_KEY=$API_KEY \
            SENDER_LEDGER_STORE=jdbc SENDER_LEDGER_URL="$pg_url" SENDER_LEDGER_USERNAME=bench \
            SENDER_LEDGER_PASSWORD_FILE="$d/ledger-password" SENDER_INSTANCE_ID="bench-$i" \
            SENDER_INBOX="$d/inbox" SENDER_INBOX_POLL_DELAY=200 \
            SENDER_OUTPUT_SUCCESS="file:$d/out/success?tempPrefix=.writing-" \
            SENDER_OUTPUT_FAILURE="file:$d/out/failure?tempPrefix=.writing-" \
            SENDER_BATCH_SIZE="$BATCH_SIZE" SENDER_HTTP_MAX_CONCURRENT_CALLS="$CALLS_IN_FLIGHT" \
            SENDER_HTTP_MAX_REQUESTS_PER_SECOND="$RATE" CAMEL_MANAGEMENT_ENABLED=false $PRODUCT_ENV \
            java -Xmx"$XMX" -jar "$PRODUCT_JAR") >"$d/instance-$i.log" 2>&1 &
        instance_pids+=("$!")
        PIDS+=("$!")
    done
    for i in $(seq 1 "$side"); do
        await_line "$d/instance-$i.log" ') started in ' 120 "${instance_pids[$((i - 1))]}"
    done

    # the files, dated ten minutes back (taken at once by the read lock), dropped into the inbox together
    cp "$INPUT"/*.csv "$d/staging/"
    touch -d '-10 minutes' "$d/staging"/*.csv
    t0=$(now)
    mv "$d/staging"/*.csv "$d/inbox/"
    local deadline=$((SECONDS + RUN_TIMEOUT))
    while [ "$done_count" -lt "$FILES" ]; do
        [ "$SECONDS" -lt "$deadline" ] || die "run $side-$run: $done_count of $FILES files done after $RUN_TIMEOUT s"
        sleep 0.05
        done_count=$(ls "$d/inbox/.done" 2>/dev/null | grep -c '\.csv$' || true)
    done
    t1=$(now)
    wall=$(elapsed "$t0" "$t1")

    stop_all
    posts=$(awk '/^SANDBOX_STATS /{for (i = 2; i <= NF; i++) if ($i ~ /^posts=/) { sub("posts=", "", $i); print $i }}' "$d/sandbox.log")
    created=$(awk '/^SANDBOX_STATS /{for (i = 2; i <= NF; i++) if ($i ~ /^created=/) { sub("created=", "", $i); print $i }}' "$d/sandbox.log")
    inflight=$(awk '/^SANDBOX_INFLIGHT /{for (i = 2; i <= NF; i++) if ($i ~ /^(max|meanWhileBusy)=/) { sub(/^[a-zA-Z]*=/, "", $i); printf "%s\t", $i }}' "$d/sandbox.log")
    ok=$(rows_in "$d/out/success")
    failed=$(rows_in "$d/out/failure")
    [ "$ok" = "$TOTAL" ] && [ "$failed" = 0 ] && [ "$created" = "$TOTAL" ] \
        || die "run $side-$run: $ok success rows, $failed failure rows, $created senders created; $TOTAL expected"
    local spread=
    for i in $(seq 1 "$side"); do
        spread="$spread $(grep -c ' \[csv\]: [0-9]* records, ' "$d/instance-$i.log" || true)"
    done
    log "$side instance(s), run $run: $wall s, $posts calls, files per instance:$spread"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$run" "$wall" "$posts" "${spread# }" "${inflight%$'\t'}" >>"$WORK/results.tsv"
}

# ---------------------------------------------------------------------------------------------- main
: >"$WORK/results.tsv"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$RUNS"); do
    for side in $SIDES; do
        run "$side" "$r"
    done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
{
    echo "## One instance against several ($(date -u +%Y-%m-%d))"
    echo
    echo "Machine: $(nproc) cores, $(java -version 2>&1 | head -n 1); load average at start $LOAD_START, at end $LOAD_END."
    echo "$FILES files of $RECORDS_PER_FILE records ($TOTAL, all valid), batches of $BATCH_SIZE; sandbox latency $LATENCY_MS ms per call;" \
        "each instance: $CALLS_IN_FLIGHT calls in flight at most, $RATE calls/s at most, -Xmx$XMX; one PostgreSQL ledger shared." \
        "Wall = files dropped (instances running) to the last one in .done; medians of $RUNS run(s)."
    echo
    echo "| instances | wall s | calls | calls/s | records/s | files per instance | calls in flight: max, mean while any | vs one instance |"
    echo "|---:|---:|---:|---:|---:|---|---|---:|"
    one=$(awk -F'\t' '$1 == 1 { print $3 }' "$WORK/results.tsv" | median)
    for side in $SIDES; do
        wall=$(awk -F'\t' -v s="$side" '$1 == s { print $3 }' "$WORK/results.tsv" | median)
        calls=$(awk -F'\t' -v s="$side" '$1 == s { print $4 }' "$WORK/results.tsv" | median | awk '{ printf "%.0f", $1 }')
        spread=$(awk -F'\t' -v s="$side" '$1 == s { print $5 }' "$WORK/results.tsv" | paste -sd ';' -)
        flight=$(awk -F'\t' -v s="$side" '$1 == s { print $6 ", " $7 }' "$WORK/results.tsv" | paste -sd ';' -)
        ratio=$(awk -v a="$one" -v b="$wall" 'BEGIN { if (a == "-" || b == 0) print "-"; else printf "%.2f", a / b }')
        echo "| $side | $wall | $calls | $(awk -v c="$calls" -v w="$wall" 'BEGIN { printf "%.1f", c / w }') |" \
            "$(awk -v n="$TOTAL" -v w="$wall" 'BEGIN { printf "%.0f", n / w }') | $spread | $flight | ${ratio}x |"
    done
    echo
    echo "Ideal for one instance: $((TOTAL / BATCH_SIZE)) calls / $CALLS_IN_FLIGHT in flight x $LATENCY_MS ms =" \
        "$(awk -v c="$((TOTAL / BATCH_SIZE))" -v f="$CALLS_IN_FLIGHT" -v l="$LATENCY_MS" 'BEGIN { printf "%.1f", c / f * l / 1000 }') s."
} | tee "$WORK/results.md"
