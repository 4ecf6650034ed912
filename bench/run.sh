#!/usr/bin/env bash
# Benchmark of the module against a plain-Java baseline, on this machine, against a Kaleyra stand-in started in a
# JVM of its own (a fresh one for every measured run): the fast stand-in (FastStandIn: parses the request, answers
# MSG106 with an id per entry, nothing more) and the module's Kaleyra sandbox (SandboxServer: validates and
# registers every sender, so its own cost weighs on both sides).
#
#   bash bench/run.sh [RECORDS ...]            default: 100000 1000000
#
# For each size: generates the CSV (10% invalid), then RUNS times, in turns, the module
# (java -Xmx256m -jar target/kaleyra-sender-route.jar --once, from the project directory, settings from
# environment variables) and the baseline (bench PlainJavaBaseline, -Xmx256m). Then the latency-bound case
# (sandbox answering each call after LATENCY_MS, LATENCY_BATCHES calls) and start-up to "ready".
# Prints markdown tables; everything lands in bench/work/ (git-ignored): results.md, results.tsv, runs/*/.
#
# Environment (all optional):
#   RUNS=3                  measured runs per side and size
#   STANDINS="fast sandbox" the Kaleyra stand-ins of the throughput runs, a table each (the first one also serves the
#                           latency-bound case): fast = FastStandIn, sandbox = the module's sandbox (SandboxServer)
#   XMX=256m                heap of both measured sides
#   BASELINE_CONCURRENCY=1  calls in flight in the baseline (1 = one after the other)
#   LATENCY_RUNS=3          runs of the latency-bound case per side (0 skips it)
#   LATENCY_MS=200 LATENCY_BATCHES=200 LATENCY_BATCH_SIZE=500 LATENCY_CONCURRENCY=8
#   LATENCY_FILES=2         the latency-bound records in that many files dropped together (the module's calls of one
#                           file should overlap the next file's; the fast stand-in counts the times none was in flight)
#   STARTUP_RUNS=3          runs of the start-up measurement (0 skips it)
#   PRODUCT_ENV="K=V ..."   extra environment for every module run (e.g. SENDER_HTTP_MAX_REQUESTS_PER_SECOND=1000)
#   PRODUCT_LAUNCH=launcher how the module is started: launcher = target/kaleyra-sender-route (the launcher the build puts
#                           beside the jar: the class archive, the serial GC; JAVA_OPTS=-Xmx$XMX), jar = java -Xmx$XMX -jar
#   BASELINE_JAVA_OPTS=     extra JVM options of the baseline (e.g. -XX:+UseSerialGC, to give it the launcher's collector)
#   RUN_TIMEOUT=300         seconds before a measured run is killed (a run that logs OutOfMemoryError is killed at once);
#                           after a timeout or an OutOfMemoryError the other runs of that side and size are skipped
#   SKIP_BUILD=1            reuse target/ and bench/target/ as they are
#   KEEP_OUTPUTS=1          keep the success/failure CSVs of every run (by default only their row counts are kept)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
WORK=$BENCH_DIR/work
RUNS=${RUNS:-3}
read -r -a STANDINS <<<"${STANDINS:-fast sandbox}"
LATENCY_FILES=${LATENCY_FILES:-2}
XMX=${XMX:-256m}
PRODUCT_LAUNCH=${PRODUCT_LAUNCH:-launcher}
BASELINE_JAVA_OPTS=${BASELINE_JAVA_OPTS:-}
BASELINE_CONCURRENCY=${BASELINE_CONCURRENCY:-1}
LATENCY_RUNS=${LATENCY_RUNS:-3}
LATENCY_MS=${LATENCY_MS:-200}
LATENCY_BATCHES=${LATENCY_BATCHES:-200}
LATENCY_BATCH_SIZE=${LATENCY_BATCH_SIZE:-500}
LATENCY_CONCURRENCY=${LATENCY_CONCURRENCY:-8}
STARTUP_RUNS=${STARTUP_RUNS:-3}
PRODUCT_ENV=${PRODUCT_ENV:-}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_OUTPUTS=${KEEP_OUTPUTS:-0}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100000 1000000)

PRODUCT_JAR=$ROOT/target/kaleyra-sender-route.jar
PRODUCT_LAUNCHER=$ROOT/target/kaleyra-sender-route
BENCH_JAR=$BENCH_DIR/target/kaleyra-sender-route-bench.jar
BENCH_CP="$BENCH_JAR:$BENCH_DIR/target/lib/*"
SANDBOX_CP="$BENCH_JAR:$PRODUCT_JAR"
SID=SANDBOXSID
API_KEY=sandbox-api-key
RESULTS=$WORK/results.tsv
SANDBOX_PID=
CLK_TCK=$(getconf CLK_TCK)
declare -A GAVE_UP=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

cleanup() {
    if [ -n "$SANDBOX_PID" ]; then
        kill "$SANDBOX_PID" 2>/dev/null || true
        wait "$SANDBOX_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------- tools
command -v java >/dev/null || die "java (JDK 17) is required"
command -v mvn >/dev/null || die "mvn (Maven 3.8+) is required"
TIME_BIN=/usr/bin/time
if ! "$TIME_BIN" -v true >/dev/null 2>&1; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        log "installing GNU time (Debian package 'time') for peak RSS"
        apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq time >/dev/null 2>&1; } || true
    fi
fi
if ! "$TIME_BIN" -v true >/dev/null 2>&1; then
    TIME_BIN=
    log "GNU time is missing: peak RSS is read from /proc/<pid>/status (VmHWM) only, sampled every 100 ms"
fi

# ---------------------------------------------------------------------------------------------- build
build() {
    if [ "$SKIP_BUILD" = 1 ] && [ -f "$PRODUCT_JAR" ] && [ -x "$PRODUCT_LAUNCHER" ] && [ -f "$BENCH_JAR" ]; then
        return
    fi
    log "building the module (mvn install -DskipTests: the bench compiles against its installed jar)"
    (cd "$ROOT" && mvn -B -q -ntp -Dstyle.color=never install -DskipTests)
    log "building the bench"
    mvn -B -q -ntp -Dstyle.color=never -f "$BENCH_DIR/pom.xml" package
    [ -f "$PRODUCT_JAR" ] || die "$PRODUCT_JAR was not built"
    [ -f "$BENCH_JAR" ] || die "$BENCH_JAR was not built"
}

# ---------------------------------------------------------------------------------------------- sandbox
start_sandbox() { # stand-in (fast|sandbox) latency-ms
    local kind=$1 latency=$2 logf=$WORK/sandbox.log
    case "$kind" in
        fast) java -Xms256m -Xmx1g -cp "$BENCH_CP" org.senderroute.bench.FastStandIn 0 "$latency" "$API_KEY" >"$logf" 2>&1 & ;;
        sandbox) java -Xms1g -Xmx3g -cp "$SANDBOX_CP" org.senderroute.bench.SandboxServer 0 "$latency" 5000 >"$logf" 2>&1 & ;;
        *) die "unknown stand-in '$kind' (STANDINS: fast, sandbox)" ;;
    esac
    SANDBOX_PID=$!
    local i
    for i in $(seq 1 300); do
        # the whole line: a URL read half-written would send the module to Kaleyra's default address
        SANDBOX_URL=$(awk '/^SANDBOX_URL http:\/\/[^ ]*:[0-9]+$/{print $2; exit}' "$logf" 2>/dev/null || true)
        if [ -n "$SANDBOX_URL" ]; then
            SANDBOX_CPU0=$(proc_cpu "$SANDBOX_PID")
            return
        fi
        kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$logf" >&2; die "the sandbox did not start"; }
        sleep 0.1
    done
    die "the sandbox did not print its URL within 30 s"
}

stop_sandbox() { # -> SANDBOX_CPU (seconds of CPU the sandbox used since start_sandbox returned), SANDBOX_INFLIGHT
    SANDBOX_CPU=$(awk -v a="$SANDBOX_CPU0" -v b="$(proc_cpu "$SANDBOX_PID")" 'BEGIN { printf "%.1f", b - a }')
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
    SANDBOX_PID=
    SANDBOX_INFLIGHT=$(awk '/^SANDBOX_INFLIGHT /{for (i = 2; i <= NF; i++) if ($i ~ /^max=/) { sub("max=", "", $i); print $i }}' "$WORK/sandbox.log")
    SANDBOX_IDLE=$(awk '/^SANDBOX_INFLIGHT /{for (i = 2; i <= NF; i++) if ($i ~ /^idle=/) { sub("idle=", "", $i); print $i }}' "$WORK/sandbox.log")
    SANDBOX_SPAN=$(awk '/^SANDBOX_INFLIGHT /{for (i = 2; i <= NF; i++) if ($i ~ /^span=/) { sub("span=", "", $i); print $i }}' "$WORK/sandbox.log")
    SANDBOX_POSTS=$(awk '/^SANDBOX_STATS /{for (i = 2; i <= NF; i++) if ($i ~ /^posts=/) { sub("posts=", "", $i); print $i }}' "$WORK/sandbox.log")
}

proc_cpu() { # pid -> CPU seconds (user + system) so far
    awk -v tck="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / tck }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# ---------------------------------------------------------------------------------------------- one measured process
# measure DIR CMD... : runs CMD (cwd: ROOT) with output in DIR/out.log; sets WALL (s), RSS_MB, CPU_S, RC, OOM
measure() {
    local dir=$1; shift
    local out=$dir/out.log tfile=$dir/time.txt t0 t1 pid child hwm=0 v
    OOM=no
    t0=$(now)
    if [ -n "$TIME_BIN" ]; then
        (cd "$ROOT" && exec "$TIME_BIN" -v -o "$tfile" timeout -k 5 "$RUN_TIMEOUT" "$@") >"$out" 2>&1 &
    else
        (cd "$ROOT" && exec timeout -k 5 "$RUN_TIMEOUT" "$@") >"$out" 2>&1 &
    fi
    pid=$!
    local kids=
    while kill -0 "$pid" 2>/dev/null; do
        # VmHWM (a high-water mark, so a slow poll loses nothing) of the processes under it (timeout, java): the peak
        # RSS also of a run that has to be killed. The poll is kept light: it shares the 2 cores with the measured run.
        local found=$kids
        if [ -z "$found" ]; then
            found="$(pgrep -P "$pid" 2>/dev/null) $(pgrep -P "$(pgrep -P "$pid" 2>/dev/null | head -n 1)" 2>/dev/null)"
            # kept once both are there (the java under timeout), looked up again until then
            if [ "$(wc -w <<<"$found")" -ge 2 ]; then kids=$found; fi
        fi
        for child in $found; do
            v=$(awk '/^VmHWM:/{print $2}' "/proc/$child/status" 2>/dev/null || echo 0)
            if [ "${v:-0}" -gt "$hwm" ]; then hwm=$v; fi
        done
        if [ "$OOM" = no ] && grep -q 'OutOfMemoryError' "$out" 2>/dev/null; then
            OOM=yes
            log "OutOfMemoryError in $(basename "$dir"): stopping that run"
            sleep 1
            kill_tree "$pid"
        fi
        sleep 0.5
    done
    RC=0
    wait "$pid" || RC=$?
    t1=$(now)
    WALL=$(elapsed "$t0" "$t1")
    if [ -n "$TIME_BIN" ]; then
        RSS_MB=$(awk -F': ' -v k="$hwm" '/Maximum resident set size/{v = $2} END {if (k > v) v = k; printf "%.0f", v / 1024}' "$tfile" 2>/dev/null)
        CPU_S=$(awk -F': ' '/User time|System time/{s += $2} END {printf "%.1f", s}' "$tfile" 2>/dev/null)
    else
        RSS_MB=$(awk -v k="$hwm" 'BEGIN { printf "%.0f", k / 1024 }')
        CPU_S=-
    fi
    if grep -q 'OutOfMemoryError' "$out"; then OOM=yes; fi
    return 0
}

kill_tree() { # the timeout process under GNU time, then the java under it
    local p c
    for p in $(pgrep -P "$1" 2>/dev/null) "$1"; do
        for c in $(pgrep -P "$p" 2>/dev/null); do kill -KILL "$c" 2>/dev/null || true; done
    done
}

# A generated file is dated ten minutes back, as a file dropped before the run: the module's read lock then takes it
# at once under its default sender.inbox.min-age (a younger file waits until it is that old).
aged() { touch -d '-10 minutes' "$1"; }

rows_in() { # directory -> data rows in its CSV files (header excluded), 0 if none
    local n=0 f
    for f in "$1"/*.csv; do
        [ -f "$f" ] || continue
        n=$((n + $(wc -l <"$f") - 1))
    done
    echo "$n"
}

product_env() { # run-dir -> env assignments for one module run
    local d=$1
    [ -n "$SANDBOX_URL" ] || die "no stand-in URL for the module's run"
    printf '%s\n' "KALEYRA_BASE_URL=$SANDBOX_URL" "KALEYRA_SID=$SID" "KALEYRA_API_KEY=$API_KEY" "KALEYRA_SANDBOX=false" \
        "SENDER_INBOX=$d/inbox" "SENDER_WORK_DIR=$d/staging" \
        "SENDER_OUTPUT_SUCCESS=file:$d/out/success?tempPrefix=.writing-" \
        "SENDER_OUTPUT_FAILURE=file:$d/out/failure?tempPrefix=.writing-" \
        "SENDER_LEDGER_URL=jdbc:h2:file:$d/ledger/ledger" "SENDER_LEDGER_JOURNAL=$d/ledger/ledger.journal"
}

# run_side SCENARIO SIDE INPUT RUN [extra product env | extra baseline args] : one measured run, appended to RESULTS
run_side() {
    local scenario=$1 side=$2 input=$3 run=$4; shift 4
    local key="$scenario-$side-$(basename "$input")"
    if [ -n "${GAVE_UP[$key]:-}" ]; then
        log "$scenario $side $(basename "$input") #$run: skipped (${GAVE_UP[$key]} in an earlier run)"
        return 0
    fi
    local d=$WORK/runs/$scenario-$side-$(basename "$input" .csv)-$run records expected_ok processing ok posts
    rm -rf "$d"
    mkdir -p "$d/inbox" "$d/out/success" "$d/out/failure"
    local inputs=("$input") part
    if [ "$scenario" = latency ] && [ "$LATENCY_FILES" -gt 1 ]; then
        inputs=("${LATENCY_PARTS[@]}")
    fi
    records=$(($(wc -l <"$input") - 1))
    start_sandbox "$(standin_of "$scenario")" "$([ "$scenario" = latency ] && echo "$LATENCY_MS" || echo 0)"
    if [ "$side" = product ]; then
        for part in "${inputs[@]}"; do
            ln "$part" "$d/inbox/" 2>/dev/null || cp -p "$part" "$d/inbox/"
        done
        local envs
        mapfile -t envs < <(product_env "$d")
        # shellcheck disable=SC2206
        local extra=($PRODUCT_ENV "$@")
        measure "$d" env "${envs[@]}" "${extra[@]}" "${PRODUCT_COMMAND[@]}" --once
        processing=$(sed -n 's/.*\[csv\]: [0-9]* records, .* \([0-9.]*\) s\(;.*\)\{0,1\}$/\1/p' "$d/out.log" | tail -n 1)
    else
        # shellcheck disable=SC2086
        measure "$d" java -Xmx"$XMX" $BASELINE_JAVA_OPTS -cp "$BENCH_CP" org.senderroute.bench.PlainJavaBaseline --input "$input" \
            --success-dir "$d/out/success" --failure-dir "$d/out/failure" --url "$SANDBOX_URL" --sid "$SID" \
            --api-key "$API_KEY" "$@"
        processing=$(sed -n 's/^BASELINE .* seconds=\([0-9.]*\)$/\1/p' "$d/out.log" | tail -n 1)
    fi
    if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
        # the stand-in was stopped from outside (another process on the shared machine) during the run: the run
        # measured nothing of the side; it is made again once, with a fresh stand-in
        SANDBOX_PID=
        if [ "${STANDIN_RETRY:-}" != "$key-$run" ]; then
            log "$scenario $side $(basename "$input") #$run: the stand-in was gone before the run ended; running it again"
            STANDIN_RETRY="$key-$run"
            run_side "$scenario" "$side" "$input" "$run" "$@"
            return 0
        fi
        SANDBOX_CPU=-; SANDBOX_INFLIGHT=; SANDBOX_POSTS=gone; SANDBOX_IDLE=; SANDBOX_SPAN=
    else
        stop_sandbox
    fi
    local succ fail
    succ=$(rows_in "$d/out/success")
    fail=$(rows_in "$d/out/failure")
    if [ "$KEEP_OUTPUTS" != 1 ]; then
        rm -rf "$d/out" "$d/staging" "$d/inbox" "$d/ledger"
    fi
    expected_ok=$((records - records * INVALID_PERCENT / 100))
    ok=yes
    if [ "$RC" != 0 ] || [ "$OOM" = yes ] || [ "$succ" != "$expected_ok" ] || [ $((succ + fail)) != "$records" ]; then
        ok=no
    fi
    posts=${SANDBOX_POSTS:-?}
    local progress=-
    if [ "$side" = product ]; then
        progress=$(grep -c ' batch [0-9]*: ' "$d/out.log" || true)
    fi
    if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
        CPU_S=-
    fi
    if [ "$OOM" = yes ]; then
        GAVE_UP[$key]=OutOfMemoryError
    elif [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
        GAVE_UP[$key]="timeout after ${RUN_TIMEOUT}s"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$side" "$records" "$run" "$WALL" \
        "${processing:--}" "$RSS_MB" "$RC" "$OOM" "$ok" "$succ" "$fail" "$SANDBOX_CPU" \
        "${SANDBOX_INFLIGHT:--}/$posts" "$CPU_S" "$progress" "${SANDBOX_IDLE:--}" "${SANDBOX_SPAN:--}" >>"$RESULTS"
    log "$scenario $side $records #$run: wall ${WALL}s, processing ${processing:--}s, CPU ${CPU_S}s, peak RSS ${RSS_MB} MB, exit $RC, OOM $OOM, rows ok/failed $succ/$fail (expected $expected_ok ok) -> $ok; batches logged $progress; stand-in CPU ${SANDBOX_CPU}s, calls $posts${SANDBOX_INFLIGHT:+, max in flight $SANDBOX_INFLIGHT}${SANDBOX_SPAN:+, calls span ${SANDBOX_SPAN}s, fell to none in flight ${SANDBOX_IDLE} times}"
}

# ---------------------------------------------------------------------------------------------- start-up
startup_run() { # run -> STARTUP_MS, CAMEL_SAYS, EXIT_S
    local d=$WORK/runs/startup-$1 envs t0 ready=
    rm -rf "$d"
    mkdir -p "$d/inbox"
    SANDBOX_URL=http://127.0.0.1:9
    mapfile -t envs < <(product_env "$d")
    # shellcheck disable=SC2206
    local extra=($PRODUCT_ENV)
    t0=$(now)
    while IFS= read -r line; do
        printf '%s\n' "$line" >>"$d/out.log"
        if [ -z "$ready" ] && [[ $line == *"Apache Camel"*"started in"* ]]; then
            ready=$(now)
        fi
    done < <(cd "$ROOT" && exec timeout -k 5 60 env "${envs[@]}" "${extra[@]}" "${PRODUCT_COMMAND[@]}" --once 2>&1)
    EXIT_S=$(elapsed "$t0" "$(now)")
    if [ -n "$ready" ]; then
        STARTUP_MS=$(awk -v a="$t0" -v b="$ready" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
    else
        STARTUP_MS=-
    fi
    CAMEL_SAYS=$(grep -o 'started in [^(]*([^)]*)' "$d/out.log" | head -n 1 || true)
}

standin_of() { # scenario -> stand-in: throughput-<stand-in>, latency (the first of STANDINS)
    case "$1" in
        throughput-*) echo "${1#throughput-}" ;;
        *) echo "${STANDINS[0]}" ;;
    esac
}

# ---------------------------------------------------------------------------------------------- tables
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-" } else if (NR % 2) { print v[(NR + 1) / 2] } else { printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'; }
col() { # scenario side records column -> values of successful runs
    awk -F'\t' -v s="$1" -v d="$2" -v r="$3" -v c="$4" '$1 == s && $2 == d && $3 == r && $10 == "yes" { print $c }' "$RESULTS"
}
count_runs() { awk -F'\t' -v s="$1" -v d="$2" -v r="$3" -v ok="$4" '$1 == s && $2 == d && $3 == r && (ok == "" || $10 == ok)' "$RESULTS" | wc -l; }
failure_note() {
    awk -F'\t' -v s="$1" -v d="$2" -v r="$3" -v t="$RUN_TIMEOUT" '$1 == s && $2 == d && $3 == r && $10 == "no" {
        n++; at = ($16 != "-" && $16 != "") ? " at batch " $16 : ""
        why = ($9 == "yes") ? "OutOfMemoryError" at : ($8 == "124" || $8 == "137") ? "killed after " t " s" at : ($8 != "0" ? "exit " $8 : "rows " $11 "+" $12); w[why]++ }
        END { sep = ""; for (k in w) { printf "%s%d× %s", sep, w[k], k; sep = ", " } }' "$RESULTS"
}

throughput_table() { # scenario (throughput-<stand-in>)
    local sc=$1
    echo "| side | records | runs ok | wall s (median) | in-file s (median) | records/s (wall) | CPU s (median) | peak RSS MB (max) | stand-in CPU s | throughput vs baseline | peak RSS vs baseline |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    local r side wall proc rss cpu own rps base_wall base_rss ratio rss_ratio total okn note
    for r in "${SIZES[@]}"; do
        base_wall=$(col "$sc" baseline "$r" 5 | median)
        base_rss=$(col "$sc" baseline "$r" 7 | sort -g | tail -n 1)
        for side in product baseline; do
            total=$(count_runs "$sc" "$side" "$r" "")
            okn=$(count_runs "$sc" "$side" "$r" yes)
            wall=$(col "$sc" "$side" "$r" 5 | median)
            proc=$(col "$sc" "$side" "$r" 6 | grep -v '^-$' | median || true)
            rss=$(col "$sc" "$side" "$r" 7 | sort -g | tail -n 1)
            cpu=$(col "$sc" "$side" "$r" 13 | median)
            own=$(col "$sc" "$side" "$r" 15 | grep -v '^-$' | median || true)
            note=$(failure_note "$sc" "$side" "$r")
            if [ "$wall" = - ]; then
                rss=$(awk -F'\t' -v s="$sc" -v d="$side" -v r="$r" '$1 == s && $2 == d && $3 == r && $7 != "-" { print $7 }' "$RESULTS" | sort -g | tail -n 1)
                echo "| $side | $r | 0/$total | FAILED ($note) | - | - | - | ${rss:--} | - | - | - |"
                continue
            fi
            rss_ratio=$(awk -v b="$base_rss" -v p="$rss" 'BEGIN { if (b == "" || b == 0) print "-"; else printf "%.2f", p / b }')
            rps=$(awk -v n="$r" -v w="$wall" 'BEGIN { printf "%.0f", n / w }')
            if [ "$side" = product ] && [ "$base_wall" != - ]; then
                ratio=$(awk -v b="$base_wall" -v p="$wall" 'BEGIN { printf "%.2f", b / p }')
            elif [ "$side" = baseline ]; then
                ratio=1.00
            else
                ratio=-
            fi
            echo "| $side | $r | $okn/$total${note:+ ($note)} | $wall | $proc | $rps | $own | $rss | $cpu | $ratio | $rss_ratio |"
        done
    done
}

memory_line() { # scenario
    local sc=$1 small=${SIZES[0]} large=${SIZES[${#SIZES[@]}-1]} side a b
    [ "$small" != "$large" ] || return 0
    for side in product baseline; do
        a=$(awk -F'\t' -v s="$sc" -v d="$side" -v r="$small" '$1 == s && $2 == d && $3 == r && $10 == "yes" { print $7 }' "$RESULTS" | sort -g | tail -n 1)
        b=$(awk -F'\t' -v s="$sc" -v d="$side" -v r="$large" '$1 == s && $2 == d && $3 == r && $10 == "yes" { print $7 }' "$RESULTS" | sort -g | tail -n 1)
        if [ -n "$a" ] && [ -n "$b" ]; then
            echo "- peak RSS, $large vs $small records, $side: $b MB / $a MB = $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')x"
        else
            echo "- peak RSS, $large vs $small records, $side: no complete run of both sizes to compare"
        fi
    done
}

latency_table() {
    local ideal side wall proc span inflight idle files total okn note setting
    ideal=$(awk -v b="$LATENCY_BATCHES" -v c="$LATENCY_CONCURRENCY" -v l="$LATENCY_MS" 'BEGIN { printf "%.1f", b / c * l / 1000 }')
    echo "| side | files | records (batch size) | calls | calls in flight allowed | wall s (median) | in-file s (median, last file) | calls span s (median) | ideal s | span / ideal | max in flight seen | none in flight between calls (max) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for side in product baseline; do
        total=$(count_runs latency "$side" "$LATENCY_RECORDS" "")
        okn=$(count_runs latency "$side" "$LATENCY_RECORDS" yes)
        note=$(failure_note latency "$side" "$LATENCY_RECORDS")
        wall=$(col latency "$side" "$LATENCY_RECORDS" 5 | median)
        proc=$(col latency "$side" "$LATENCY_RECORDS" 6 | grep -v '^-$' | median || true)
        inflight=$(col latency "$side" "$LATENCY_RECORDS" 14 | sed 's|/.*||' | sort -g | tail -n 1)
        span=$(col latency "$side" "$LATENCY_RECORDS" 18 | grep -v '^-$' | median || true)
        idle=$(col latency "$side" "$LATENCY_RECORDS" 17 | grep -v '^-$' | sort -g | tail -n 1)
        [ "$side" = product ] && files=$LATENCY_FILES || files=1
        calls=$(col latency "$side" "$LATENCY_RECORDS" 14 | sed 's|.*/||' | sort -g | tail -n 1)
        [ "$side" = product ] && setting="$LATENCY_CONCURRENCY (SENDER_HTTP_MAX_CONCURRENT_CALLS)" || setting="$LATENCY_CONCURRENCY (--concurrency)"
        if [ "$wall" = - ]; then
            echo "| $side | $files | $LATENCY_RECORDS ($LATENCY_BATCH_SIZE) | - | $setting | FAILED ($note) | - | - | $ideal | - | - | - |"
            continue
        fi
        echo "| $side | $files | $LATENCY_RECORDS ($LATENCY_BATCH_SIZE) | ${calls:--} | $setting | $wall | $proc | ${span:--} | $ideal | $(awk -v p="$span" -v i="$ideal" 'BEGIN { if (p == "" || p == "-") print "-"; else printf "%.2f", p / i }') | ${inflight:--} | ${idle:--} |"
    done
}

# ---------------------------------------------------------------------------------------------- main
case "$PRODUCT_LAUNCH" in
    launcher) PRODUCT_COMMAND=(env "JAVA_OPTS=-Xmx$XMX" "$PRODUCT_LAUNCHER") ;;
    jar) PRODUCT_COMMAND=(java -Xmx"$XMX" -jar "$PRODUCT_JAR") ;;
    *) die "PRODUCT_LAUNCH: launcher or jar, not '$PRODUCT_LAUNCH'" ;;
esac
mkdir -p "$WORK/input" "$WORK/runs"
: >"$RESULTS"
INVALID_PERCENT=10
BEGAN=$(now)
COMMAND="RUNS=$RUNS STANDINS=\"${STANDINS[*]}\" LATENCY_RUNS=$LATENCY_RUNS LATENCY_FILES=$LATENCY_FILES STARTUP_RUNS=$STARTUP_RUNS PRODUCT_LAUNCH=$PRODUCT_LAUNCH${BASELINE_JAVA_OPTS:+ BASELINE_JAVA_OPTS=\"$BASELINE_JAVA_OPTS\"}${PRODUCT_ENV:+ PRODUCT_ENV=\"$PRODUCT_ENV\"} bash bench/run.sh ${SIZES[*]}"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
build
if PRODUCT_COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
    PRODUCT_DIRTY=$(git -C "$ROOT" status --porcelain -- src routes config pom.xml 2>/dev/null | wc -l)
    PRODUCT_STATE="commit $PRODUCT_COMMIT ($PRODUCT_DIRTY uncommitted changes under src/ routes/ config/ pom.xml)"
else
    PRODUCT_STATE="a copy outside git"
fi
CONCURRENCY_SETTING=$(grep -E '^[[:space:]]*sender\.http\.max-concurrent-calls' "$ROOT/config/application.properties" | tr -d ' ' || true)

for r in "${SIZES[@]}"; do
    f=$WORK/input/senders-$r.csv
    java -cp "$BENCH_CP" org.senderroute.bench.GenerateSenders "$r" "$f" "$INVALID_PERCENT" >&2
    aged "$f"
done
for standin in "${STANDINS[@]}"; do
    for r in "${SIZES[@]}"; do
        f=$WORK/input/senders-$r.csv
        for i in $(seq 1 "$RUNS"); do
            if [ $((i % 2)) = 1 ]; then
                run_side "throughput-$standin" product "$f" "$i"
                run_side "throughput-$standin" baseline "$f" "$i" --concurrency "$BASELINE_CONCURRENCY"
            else
                run_side "throughput-$standin" baseline "$f" "$i" --concurrency "$BASELINE_CONCURRENCY"
                run_side "throughput-$standin" product "$f" "$i"
            fi
        done
    done
done

LATENCY_RECORDS=$((LATENCY_BATCHES * LATENCY_BATCH_SIZE))
if [ "$LATENCY_RUNS" -gt 0 ]; then
    INVALID_PERCENT=0
    f=$WORK/input/latency-$LATENCY_RECORDS.csv
    java -cp "$BENCH_CP" org.senderroute.bench.GenerateSenders "$LATENCY_RECORDS" "$f" 0 >&2
    aged "$f"
    # the same records in LATENCY_FILES files (header repeated), dropped together for the module
    LATENCY_PARTS=()
    if [ "$LATENCY_FILES" -gt 1 ]; then
        per=$(( (LATENCY_RECORDS + LATENCY_FILES - 1) / LATENCY_FILES ))
        rm -f "$WORK/input/latency-$LATENCY_RECORDS-part-"*
        tail -n +2 "$f" | split -l "$per" -d -a 2 --additional-suffix=.csv --filter="{ head -n 1 '$f'; cat; } >\$FILE" - "$WORK/input/latency-$LATENCY_RECORDS-part-"
        for part in "$WORK/input/latency-$LATENCY_RECORDS-part-"*.csv; do
            aged "$part"
            LATENCY_PARTS+=("$part")
        done
    fi
    [ -n "$CONCURRENCY_SETTING" ] || log "NOTE: config/application.properties has no sender.http.max-concurrent-calls: SENDER_HTTP_MAX_CONCURRENT_CALLS has no effect on this build"
    for i in $(seq 1 "$LATENCY_RUNS"); do
        run_side latency product "$f" "$i" SENDER_HTTP_MAX_CONCURRENT_CALLS="$LATENCY_CONCURRENCY" SENDER_BATCH_SIZE="$LATENCY_BATCH_SIZE"
        run_side latency baseline "$f" "$i" --concurrency "$LATENCY_CONCURRENCY" --batch-size "$LATENCY_BATCH_SIZE"
    done
fi

STARTUPS=()
CAMEL_LINES=()
EXITS=()
if [ "$STARTUP_RUNS" -gt 0 ]; then
    for i in $(seq 1 "$STARTUP_RUNS"); do
        startup_run "$i"
        STARTUPS+=("$STARTUP_MS")
        CAMEL_LINES+=("$CAMEL_SAYS")
        EXITS+=("$EXIT_S")
        log "start-up #$i: ${STARTUP_MS} ms to the 'started in' line ($CAMEL_SAYS); empty --once run exited after ${EXIT_S}s"
    done
fi
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

{
    echo "## Benchmark results"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2 / 1048576}' /proc/meminfo), $(java -version 2>&1 | head -n 1);" \
        "load average at start $LOAD_START, at end $LOAD_END. Module: $PRODUCT_STATE${CONCURRENCY_SETTING:+, $CONCURRENCY_SETTING}."
    echo "Command: \`$COMMAND\`."
    echo "Both sides: -Xmx$XMX, one CSV file with 10% invalid records, batches of 5000, the Kaleyra stand-in in its own JVM (restarted for every run)," \
        "baseline calls in flight: $BASELINE_CONCURRENCY. Wall = the whole process (JVM start to exit); in-file = the file's own time" \
        "(module: its summary line; baseline: main to end); CPU = user + system time of the measured process (not the sandbox's)." \
        "Medians of the runs that wrote every record; peak RSS = max of those runs."
    case "$PRODUCT_LAUNCH" in
        launcher) echo "Module started by its launcher: \`JAVA_OPTS=-Xmx$XMX target/kaleyra-sender-route --once\` (class archive, serial GC, C2 thresholds)." ;;
        jar) echo "Module started as \`java -Xmx$XMX -jar target/kaleyra-sender-route.jar --once\` (no class archive, the JVM's default GC)." ;;
    esac
    if [ -n "$BASELINE_JAVA_OPTS" ]; then
        echo "Baseline: \`java -Xmx$XMX $BASELINE_JAVA_OPTS PlainJavaBaseline\`."
    else
        echo "Baseline: \`java -Xmx$XMX PlainJavaBaseline\`, the default GC of the JVM (G1 here)."
    fi
    [ -z "$PRODUCT_ENV" ] || echo "Extra module environment: \`$PRODUCT_ENV\`."
    echo
    for standin in "${STANDINS[@]}"; do
        case "$standin" in
            fast) echo "### Throughput against the fast stand-in (FastStandIn: parses the request, answers MSG106 with an id per entry)" ;;
            sandbox) echo "### Throughput against the module's Kaleyra sandbox (SandboxServer: validates and registers every sender)" ;;
        esac
        echo
        throughput_table "throughput-$standin"
        echo
        memory_line "throughput-$standin"
        echo
    done
    if [ "$LATENCY_RUNS" -gt 0 ]; then
        echo
        echo "### Latency-bound case: the ${STANDINS[0]} stand-in answers every call after $LATENCY_MS ms, $LATENCY_BATCHES calls of $LATENCY_BATCH_SIZE records, 0% invalid"
        echo
        latency_table
        [ -n "$CONCURRENCY_SETTING" ] || echo "(config/application.properties has no sender.http.max-concurrent-calls: the module ran as built)"
    fi
    if [ "${#STARTUPS[@]}" -gt 0 ]; then
        echo
        echo "### Start-up to ready (process start to Camel's \"started in\" line, empty inbox, --once)"
        echo
        echo "- median $(printf '%s\n' "${STARTUPS[@]}" | grep -v '^-$' | median) ms over ${#STARTUPS[@]} runs ($(printf '%s ms, ' "${STARTUPS[@]}" | sed 's/, $//')); Camel: ${CAMEL_LINES[0]}"
        echo "- an --once run on an empty inbox exits after $(printf '%s\n' "${EXITS[@]}" | median) s (median)"
    fi
    echo
    echo "Total benchmark time: $(elapsed "$BEGAN" "$(now)") s. Raw runs: bench/work/results.tsv; logs: bench/work/runs/."
} | tee "$WORK/results.md"
