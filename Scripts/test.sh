#!/usr/bin/env bash
# Builds HealthCardKit, checks its layering (Scripts/check-architecture.sh) and runs every test:
# unit tests, the CLI tests, schemathesis against `hcard serve` (Scripts/check-api.sh), the
# steward's page in headless Chromium (Tests/Browser/steward_review.py), and the
# PC/SC integration tests
# (Tests/hcardTests/ReaderIntegrationTests.swift), which need pcscd with vsmartcard-vpcd.
# Needs the packages of Scripts/setup.sh; pcscd needs root (it writes /run/pcscd).
set -euo pipefail
cd "$(dirname "$0")/.."
# libpcsclite.pc carries -pthread, which SwiftPM warns about on every call: harmless, so hidden.
quiet() { "$@" 2>&1 | { grep -v "prohibited flag(s): -pthread" || true; }; }
quiet swift build --build-tests
# The layering of Docs/architecture.md (C imports, SQLite, card-stack links, CLI file sizes).
bash Scripts/check-architecture.sh

# pcscd for the integration tests: reuse a running one, else start one in the foreground (in
# the background of this script) and stop it by its pid on exit. The tests run only when
# HCARD_PCSCD=running; without it they are skipped with the reason.
PCSCD_PID=""
PCSCD_LOG="${TMPDIR:-/tmp}/hcard-test-pcscd.log"
stop_pcscd() {
    [ -n "$PCSCD_PID" ] || return 0
    kill -TERM "$PCSCD_PID" 2>/dev/null || true
    wait "$PCSCD_PID" 2>/dev/null || true
    PCSCD_PID=""
}

# PostgreSQL for `hcard serve --postgres` (HealthCardServerTests, hcardTests/ServePostgresTests):
# a throwaway cluster on 127.0.0.1 with its data in a temporary folder, stopped on exit. With
# CI=true the PostgreSQL tests fail rather than skip if it is missing.
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/hcard-test-pg.XXXXXX")"
stop_postgres() { bash Scripts/postgres-cluster.sh stop "$PG_DIR" || true; }
HCARD_TEST_POSTGRES_URL="$(bash Scripts/postgres-cluster.sh start "$PG_DIR" "${HCARD_TEST_POSTGRES_PORT:-55439}")"
export HCARD_TEST_POSTGRES_URL
echo "test: PostgreSQL at $HCARD_TEST_POSTGRES_URL"
trap 'stop_pcscd; stop_postgres' EXIT INT TERM

vpcd_listening() { grep -qiE '^ *[0-9]+: [0-9A-F]+:8C7B [0-9A-F]+:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
pcscd_alive() {
    [ -S /run/pcscd/pcscd.comm ] && [ -f /run/pcscd/pcscd.pid ] \
        && kill -0 "$(tr -cd 0-9 < /run/pcscd/pcscd.pid)" 2>/dev/null
}

if pcscd_alive; then
    echo "test: using the pcscd that is already running (pid $(tr -cd 0-9 < /run/pcscd/pcscd.pid))"
    export HCARD_PCSCD=running
elif [ "$(id -u)" -eq 0 ] && command -v pcscd >/dev/null && [ -f /etc/reader.conf.d/vpcd ]; then
    pcscd --foreground > "$PCSCD_LOG" 2>&1 &
    PCSCD_PID=$!
    # Ready when the client socket exists and vpcd listens (do not probe 35963 by connecting:
    # a connection there *is* a card insertion).
    for _ in $(seq 100); do
        [ -S /run/pcscd/pcscd.comm ] && vpcd_listening && break
        sleep 0.05
    done
    if [ -S /run/pcscd/pcscd.comm ] && vpcd_listening; then
        echo "test: started pcscd (pid $PCSCD_PID, log $PCSCD_LOG)"
        export HCARD_PCSCD=running
    else
        echo "test: pcscd did not come up; PC/SC integration tests will be skipped. Log:"
        cat "$PCSCD_LOG" || true
        stop_pcscd
    fi
else
    echo "test: no pcscd (needs root, pcscd and vsmartcard-vpcd); PC/SC integration tests will be skipped"
fi

# Two runs. The server suites (HealthCardServerTests: PostgreSQL, two nodes, 30 s operation
# limits) run on their own after the rest: every test of a run shares Swift's cooperative pool
# (one thread per core, two on CI), and the CPU-heavy unit tests beside them could otherwise hold
# both threads long enough to push a database round trip past its limit.
quiet swift test --skip-build --skip HealthCardServerTests
quiet swift test --skip-build --filter HealthCardServerTests

# libhcard.so: its exports, the C API, and the vendor call order from C, Python and Java through
# pcscd (Scripts/test-capi.sh; uses HCARD_PCSCD, so it runs while pcscd is up).
bash Scripts/test-capi.sh

# The HTTP API against its OpenAPI document: schemathesis on a live `hcard serve` over loopback
# (no 5xx, every status and body as documented), then SIGTERM must end it with status 0.
bash Scripts/check-api.sh

# The data steward's review in headless Chromium (Docs/serve.md §7): sign in, open the queue, click
# "link" on a pair, then the link is checked in the index file. Screenshots are kept in the folder
# it prints. Exit 77 (skipped) only outside CI when chromium is missing; under CI=true that fails.
# The same review once more on two `hcard serve --postgres` processes (fed through one, clicked
# on the other, checked in the tables).
status=0
python3 Tests/Browser/steward_review.py "$(swift build --show-bin-path 2>/dev/null)/hcard" \
    "${HCARD_ARTIFACTS:-$PWD/.build/test-artifacts}/steward-browser" || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 77 ] || exit "$status"
status=0
python3 Tests/Browser/steward_review.py "$(swift build --show-bin-path 2>/dev/null)/hcard" \
    "${HCARD_ARTIFACTS:-$PWD/.build/test-artifacts}/steward-browser-postgres" --postgres "$HCARD_TEST_POSTGRES_URL" || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 77 ] || exit "$status"

# Every libFuzzer target of Scripts/fuzz.sh (one per parser) for 5 s each, built unoptimised:
# the builds are three times quicker, which is what a short run needs; builds are reused while
# their sources do not change. A crash, sanitizer report or broken round trip fails the script.
# The long runs are `Scripts/fuzz.sh SECONDS` (Docs/fuzzing.md).
FUZZ_OPT=-Onone Scripts/fuzz.sh 5

# The DocC catalog of every library target builds without a warning (Scripts/check-docs.sh).
Scripts/check-docs.sh
