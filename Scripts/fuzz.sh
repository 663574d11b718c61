#!/usr/bin/env bash
# Fuzzes the QR payload parsers (Fuzz/QRPayloadFuzz.swift) with libFuzzer for N seconds
# (default 30): the plain cardId:type[:validity] grammar, base45 and the signed HCK1 format.
#
#   Scripts/fuzz.sh [seconds]
#
# Builds with `swiftc -sanitize=fuzzer,address` directly over the pure-Swift files the parsers
# need (listed below; none imports C) plus Fuzz/FuzzStubs.swift, which stands in for the two
# OpenSSL-backed declarations those files mention (SM3, SM2PublicKey) but parsing never calls.
# Seeds: Fuzz/corpus/ (valid and invalid payloads). New inputs go to .build-fuzz/corpus, never into
# Fuzz/corpus. Exits non-zero on a crash, a sanitizer report or a failed round-trip check, and
# leaves the input as .build-fuzz/crash-*; reproduce with `.build-fuzz/qr-payload-fuzz FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
out=.build-fuzz
mkdir -p "$out/corpus"

core=Sources/HealthCardCore
sources=(
    Fuzz/QRPayloadFuzz.swift
    Fuzz/FuzzStubs.swift
    "$core/HealthCardError.swift"
    "$core/Encoding/ByteReader.swift"
    "$core/Crypto/HashFunction.swift"
    "$core/Crypto/SM2Signature.swift"
    "$core/QR/PayloadSyntaxError.swift"
    "$core/QR/Base45.swift"
    "$core/QR/PrefixedBase45.swift"
    "$core/QR/CardIDProfile.swift"
    "$core/QR/EHealthCardPayload.swift"
    "$core/QR/KeyID.swift"
    "$core/QR/SignedCode.swift"
    "$core/QR/SignedCodeFormat.swift"
)
for file in "${sources[@]}"; do
    if grep -qE '^(internal |public |package )?import (CHealthShims|C[A-Z][A-Za-z]*)$' "$file"; then
        echo "fuzz: $file imports a C module; the fuzz build must stay pure Swift" >&2
        exit 2
    fi
done

binary="$out/qr-payload-fuzz"
newest=$(ls -t "${sources[@]}" "$0" | head -1)
if [ ! -x "$binary" ] || [ "$newest" -nt "$binary" ]; then
    echo "fuzz: building $binary"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld -module-name QRPayloadFuzz \
        -o "$binary" "${sources[@]}"
fi

# The Swift runtime's own backtracer would run inside libFuzzer's crash handler (and under ASan);
# libFuzzer prints the stack itself.
export SWIFT_BACKTRACE=enable=no
echo "fuzz: running for ${seconds}s"
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/" "$out/corpus" Fuzz/corpus 2>"$out/fuzz.log" || {
    status=$?
    grep -E "Fatal error|ERROR:|SUMMARY|Test unit written" "$out/fuzz.log" >&2 || true
    echo "fuzz: FAILED (exit $status); full log in $out/fuzz.log" >&2
    exit "$status"
}
grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$out/fuzz.log" | tr '\n' ' ' | sed 's/$/\n/'
echo "fuzz: no crash in ${seconds}s"
