#!/usr/bin/env bash
# Builds HealthCardKit and runs every test: unit tests and the CLI tests.
# Needs the packages of Scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# libpcsclite.pc carries -pthread, which SwiftPM warns about on every call: harmless, so hidden.
quiet() { "$@" 2>&1 | { grep -v "prohibited flag(s): -pthread" || true; }; }
quiet swift build --build-tests
quiet swift test --skip-build
