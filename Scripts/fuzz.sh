#!/usr/bin/env bash
# Fuzzes the QR payload parsers (Fuzz/QRPayloadFuzz.swift) with libFuzzer for N seconds
# (default 30): the plain cardId:type[:validity] grammar, base45 and the signed HCK1 format.
#
#   Scripts/fuzz.sh [seconds]
#
# Builds with `swiftc -sanitize=fuzzer,address` directly over the pure-Swift files the parsers
# need (listed below, from several targets; none imports C) plus Fuzz/FuzzStubs.swift, which stands in for the two
# OpenSSL-backed declarations those files mention (SM3, SM2PublicKey) but parsing never calls.
# Seeds: Fuzz/corpus/ (valid and invalid payloads). New inputs go to .build-fuzz/corpus, never into
# Fuzz/corpus. Exits non-zero on a crash, a sanitizer report or a failed round-trip check, and
# leaves the input as .build-fuzz/crash-*; reproduce with `.build-fuzz/qr-payload-fuzz FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
out=.build-fuzz
mkdir -p "$out/corpus"

sources=(
    Fuzz/QRPayloadFuzz.swift
    Fuzz/FuzzStubs.swift
    Sources/HealthCardFoundation/HealthCardError.swift
    Sources/HealthCardFoundation/Encoding/ByteReader.swift
    Sources/HealthCardCrypto/HashFunction.swift
    Sources/HealthCardCrypto/SM2Signature.swift
    Sources/HealthQR/PayloadSyntaxError.swift
    Sources/HealthQR/Base45.swift
    Sources/HealthQR/PrefixedBase45.swift
    Sources/HealthQR/CardIDProfile.swift
    Sources/HealthQR/EHealthCardPayload.swift
    Sources/HealthQR/KeyID.swift
    Sources/HealthQR/SignedCode.swift
    Sources/HealthQR/SignedCodeFormat.swift
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
    # The files come from several targets; compiled here as one module, so imports of the
    # package's own modules are dropped from copies of them.
    rm -rf "$out/src" && mkdir -p "$out/src"
    copies=()
    for file in "${sources[@]}"; do
        copy="$out/src/$(basename "$file")"
        grep -vE '^(@testable |internal |public |package )?import (HealthCard[A-Za-z]*|HealthQR[A-Za-z]*|ResidentCard[A-Za-z]*|PersonalHealthCode|EMPI[A-Za-z]*)$' \
            "$file" > "$copy"
        copies+=("$copy")
    done
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -use-ld=lld -module-name QRPayloadFuzz -package-name HealthCardKit \
        -o "$binary" "${copies[@]}"
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
