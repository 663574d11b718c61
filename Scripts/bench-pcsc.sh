#!/usr/bin/env bash
# PC/SC benchmark: APDU round trips per second through libpcsclite -> pcscd -> vpcd ->
# `hcard emulate`, and the wall time of a full card read and an outpatient write at the reader.
#
#   Scripts/bench-pcsc.sh              # release build, 20000 APDUs, median of 5 runs
#   APDUS=50000 RUNS=9 Scripts/bench-pcsc.sh
#   HCARD=.build/debug/hcard Scripts/bench-pcsc.sh   # an existing binary, no build
#
# Starts pcscd (foreground, in the background of this script) if none is running (needs root),
# and stops what it started by process id on exit. Results: Docs/pcsc.md "Measured".
set -euo pipefail
cd "$(dirname "$0")/.."

APDUS="${APDUS:-20000}"
RUNS="${RUNS:-5}"
if [ -z "${HCARD:-}" ]; then
    swift build -c release --product hcard 2>&1 | { grep -v "prohibited flag(s): -pthread" || true; } | tail -1
    HCARD="$(swift build -c release --show-bin-path)/hcard"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hcard-bench.XXXXXX")"
PCSCD_PID=""
EMULATOR_PID=""
stop_pid() {
    [ -n "$1" ] || return 0
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    stop_pid "$EMULATOR_PID"
    stop_pid "$PCSCD_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

vpcd_listening() { grep -qiE '^ *[0-9]+: [0-9A-F]+:8C7B [0-9A-F]+:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
running_pcscd() { [ -S /run/pcscd/pcscd.comm ] && [ -f /run/pcscd/pcscd.pid ] && tr -cd 0-9 < /run/pcscd/pcscd.pid; }
if RUNNING=$(running_pcscd) && kill -0 "$RUNNING" 2>/dev/null; then
    echo "bench: using the running pcscd (pid $RUNNING)"
else
    pcscd --foreground > "$WORK/pcscd.log" 2>&1 &
    PCSCD_PID=$!
    for _ in $(seq 100); do [ -S /run/pcscd/pcscd.comm ] && vpcd_listening && break; sleep 0.05; done
    vpcd_listening || { echo "bench: pcscd/vpcd did not come up"; cat "$WORK/pcscd.log"; exit 1; }
fi

"$HCARD" card new --holder Fixtures/records/holder.json --image "$WORK/card.img" > /dev/null
"$HCARD" emulate --image "$WORK/card.img" 2> "$WORK/emulate.log" &
EMULATOR_PID=$!
"$HCARD" atr --reader "Virtual PCD 00 00" --wait 10 > /dev/null
"$HCARD" atr --reader "Virtual PCD 00 01" --wait 10 > /dev/null

BEFORE=""  # a command run (untimed) before each timed run
now_ns() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# Wall time of a command in ms (stdout/stderr dropped), RUNS times; prints the median.
wall_ms() {
    for _ in $(seq "$RUNS"); do
        if [ -n "$BEFORE" ]; then eval "$BEFORE" > /dev/null 2>&1 || true; fi
        local start end
        start=$(now_ns)
        "$@" > /dev/null 2>&1
        end=$(now_ns)
        echo $(( (end - start) / 1000 ))
    done | median | awk '{ printf "%.1f", $1 / 1000 }'
}

# 1. Round trips: one process, one transaction, SELECT DDF1 over and over.
RATES=$(for _ in $(seq "$RUNS"); do
    "$HCARD" apdu 00A4000002DDF1 --repeat "$APDUS" | sed -E 's/.* ([0-9]+) APDU\/s.*/\1/'
done | median)
RTT=$(awk -v r="$RATES" 'BEGIN { printf "%.0f", 1e6 / r }')

# 2. Whole-card read and outpatient write at the reader (process start included), and the same
#    on the card image in-process for comparison. Writes go to slot 1, erased before each run.
APDU_READ=$("$HCARD" read --trace 2>&1 >/dev/null | sed -nE 's/^# ([0-9]+) APDUs$/\1/p')
READERS=$(wall_ms "$HCARD" readers)
READ=$(wall_ms "$HCARD" read --json)
BEFORE="\"$HCARD\" erase outpatient 1"
WRITE=$(wall_ms "$HCARD" write outpatient --from Fixtures/records/outpatient.json)
BEFORE=""
APDU_WRITE=$("$HCARD" write outpatient --from Fixtures/records/outpatient.json --json \
    | sed -nE 's/.*"apdus" : ([0-9]+).*/\1/p')
"$HCARD" erase outpatient 1 > /dev/null

stop_pid "$EMULATOR_PID"
EMULATOR_PID=""
IMAGE_READ=$(wall_ms "$HCARD" read --image "$WORK/card.img" --json)
BEFORE="\"$HCARD\" erase outpatient 1 --image \"$WORK/card.img\""
IMAGE_WRITE=$(wall_ms "$HCARD" write outpatient --from Fixtures/records/outpatient.json --image "$WORK/card.img")
BEFORE=""

printf '\nPC/SC benchmark (%s; median of %s runs; %s cores, load %s)\n' \
    "$(basename "$(dirname "$HCARD")")" "$RUNS" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '%-58s %12s\n' "measure" "value"
printf '%-58s %12s\n' "----------------------------------------------------------" "------------"
printf '%-58s %12s\n' "APDU round trips/s (hcard apdu --repeat $APDUS, SELECT)" "$RATES/s"
printf '%-58s %12s\n' "  per round trip" "${RTT} µs"
printf '%-58s %12s\n' "hcard readers (process start + pcscd context)" "${READERS} ms"
printf '%-58s %12s\n' "hcard read --json at the reader ($APDU_READ card APDUs + SAM)" "${READ} ms"
printf '%-58s %12s\n' "hcard write outpatient at the reader ($APDU_WRITE card APDUs + SAM)" "${WRITE} ms"
printf '%-58s %12s\n' "hcard read --image (in-process virtual card)" "${IMAGE_READ} ms"
printf '%-58s %12s\n' "hcard write outpatient --image (in-process)" "${IMAGE_WRITE} ms"
