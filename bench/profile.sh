#!/usr/bin/env bash
# Profiles the module on one generated CSV file with Java Flight Recorder, against a Kaleyra stand-in in its own JVM
# (STANDIN=fast: FastStandIn, the default; STANDIN=sandbox: the module's sandbox).
#
#   bash bench/profile.sh [RECORDS]            default: 1000000
#
# Writes bench/work/profile/: recording.jfr (the whole run, settings=profile), mid.jfr (dumped half-way with the
# reference chains of live old objects), histogram.txt (heap histogram half-way), hotspots.txt, out.log; prints
# the summary made by JfrHotSpots (CPU by method and library, allocation, GC, what keeps old objects alive).
#
# Environment: STANDIN=fast|sandbox, XMX=256m (heap of the module; a run that dies of OutOfMemoryError is still summarised),
# PRODUCT_ENV="K=V ..." (extra settings for the module), SKIP_BUILD=1 (reuse target/ and bench/target/).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
RECORDS=${1:-1000000}
XMX=${XMX:-256m}
PRODUCT_ENV=${PRODUCT_ENV:-}
SKIP_BUILD=${SKIP_BUILD:-0}
STANDIN=${STANDIN:-fast}
D=$BENCH_DIR/work/profile
PRODUCT_JAR=$ROOT/target/kaleyra-sender-route.jar
BENCH_JAR=$BENCH_DIR/target/kaleyra-sender-route-bench.jar
BENCH_CP="$BENCH_JAR:$BENCH_DIR/target/lib/*"
SANDBOX_PID=
JAVA_PID=

log() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cleanup() {
    [ -z "$JAVA_PID" ] || kill "$JAVA_PID" 2>/dev/null || true
    [ -z "$SANDBOX_PID" ] || kill "$SANDBOX_PID" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

if [ "$SKIP_BUILD" != 1 ] || [ ! -f "$PRODUCT_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
    log "building the module and the bench"
    (cd "$ROOT" && mvn -B -q -ntp -Dstyle.color=never install -DskipTests)
    mvn -B -q -ntp -Dstyle.color=never -f "$BENCH_DIR/pom.xml" package
fi

rm -rf "$D"
mkdir -p "$D/inbox" "$D/out/success" "$D/out/failure" "$BENCH_DIR/work/input"
INPUT=$BENCH_DIR/work/input/senders-$RECORDS.csv
java -cp "$BENCH_CP" org.senderroute.bench.GenerateSenders "$RECORDS" "$INPUT" 10 >&2
touch -d '-10 minutes' "$INPUT"
ln "$INPUT" "$D/inbox/" 2>/dev/null || cp -p "$INPUT" "$D/inbox/"

if [ "$STANDIN" = sandbox ]; then
    java -Xms1g -Xmx3g -cp "$BENCH_JAR:$PRODUCT_JAR" org.senderroute.bench.SandboxServer 0 0 5000 >"$D/sandbox.log" 2>&1 &
else
    java -Xms256m -Xmx1g -cp "$BENCH_CP" org.senderroute.bench.FastStandIn 0 0 sandbox-api-key >"$D/sandbox.log" 2>&1 &
fi
SANDBOX_PID=$!
for _ in $(seq 1 300); do
    grep -q '^SANDBOX_URL ' "$D/sandbox.log" 2>/dev/null && break
    sleep 0.1
done
URL=$(awk '/^SANDBOX_URL /{print $2; exit}' "$D/sandbox.log")
[ -n "$URL" ] || { cat "$D/sandbox.log" >&2; exit 1; }

# shellcheck disable=SC2206
EXTRA=($PRODUCT_ENV)
T0=$EPOCHREALTIME
(cd "$ROOT" && exec env KALEYRA_BASE_URL="$URL" KALEYRA_SID=SANDBOXSID KALEYRA_API_KEY=sandbox-api-key KALEYRA_SANDBOX=false \
    SENDER_INBOX="$D/inbox" SENDER_WORK_DIR="$D/staging" SENDER_LEDGER_URL="jdbc:h2:file:$D/ledger/ledger" SENDER_LEDGER_JOURNAL="$D/ledger/ledger.journal" \
    SENDER_OUTPUT_SUCCESS="file:$D/out/success?tempPrefix=.writing-" SENDER_OUTPUT_FAILURE="file:$D/out/failure?tempPrefix=.writing-" \
    "${EXTRA[@]}" \
    java -Xmx"$XMX" -XX:FlightRecorderOptions=stackdepth=256 \
    -XX:StartFlightRecording=name=bench,settings=profile,path-to-gc-roots=true,filename="$D/recording.jfr" \
    -jar "$PRODUCT_JAR" --once) >"$D/out.log" 2>&1 &
JAVA_PID=$!

# half-way (by batch lines logged): heap histogram and a dump with the reference chains of live old objects
HALF=$(( (RECORDS * 9 / 10 / 5000 + 1) / 2 ))
DUMPED=no
while kill -0 "$JAVA_PID" 2>/dev/null; do
    if [ "$DUMPED" = no ] && [ "$(grep -c ' batch [0-9]*: ' "$D/out.log" 2>/dev/null || true)" -ge "$HALF" ]; then
        jcmd "$JAVA_PID" GC.class_histogram >"$D/histogram.txt" 2>&1 || true
        jcmd "$JAVA_PID" JFR.dump name=bench path-to-gc-roots=true filename="$D/mid.jfr" >/dev/null 2>&1 || true
        DUMPED=yes
        log "half-way ($HALF batches): heap histogram and mid.jfr written"
    fi
    if grep -q OutOfMemoryError "$D/out.log" 2>/dev/null; then
        log "OutOfMemoryError logged: dumping the recording and stopping the run"
        jcmd "$JAVA_PID" JFR.dump name=bench path-to-gc-roots=true filename="$D/recording.jfr" >/dev/null 2>&1 || true
        kill -KILL "$JAVA_PID" 2>/dev/null || true
        break
    fi
    sleep 0.2
done
RC=0
wait "$JAVA_PID" || RC=$?
JAVA_PID=
WALL=$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
kill "$SANDBOX_PID" 2>/dev/null || true
wait "$SANDBOX_PID" 2>/dev/null || true
SANDBOX_PID=

echo "# Profile of the module: $RECORDS records, -Xmx$XMX, stand-in $STANDIN, exit $RC, wall ${WALL} s"
grep -E '\[csv\]: ' "$D/out.log" | sed 's/^.* - //' || echo "(no summary line: the run did not finish)"
grep -m 1 -E 'OutOfMemoryError' "$D/out.log" || true
echo
if [ -f "$D/histogram.txt" ]; then
    echo "Heap histogram half-way (top 8):"
    sed -n '2,11p' "$D/histogram.txt"
    echo
fi
java -cp "$BENCH_CP" org.senderroute.bench.JfrHotSpots "$D/recording.jfr" 25 >"$D/hotspots.txt"
cat "$D/hotspots.txt"
if [ -f "$D/mid.jfr" ]; then
    java -cp "$BENCH_CP" org.senderroute.bench.JfrHotSpots "$D/mid.jfr" 25 >"$D/hotspots-mid.txt"
    echo
    echo "Half-way recording:"
    sed -n '/^Live old objects/,/^$/p' "$D/hotspots-mid.txt"
fi
