#!/usr/bin/env bash
# Fuzzes every parser of the package with libFuzzer: one target per input format, each run for
# N seconds (default 30), one after another.
#
#   Scripts/fuzz.sh [seconds] [target…]       (no target: all of them, in the order below)
#   Scripts/fuzz.sh --list                    (the targets)
#   FUZZ_OPT=-Onone Scripts/fuzz.sh 5         (quicker builds, slower runs: what CI uses)
#   FUZZ_MIN_EXECS=1000000 Scripts/fuzz.sh 600 (a campaign: 600 s, then on to 1 M executions if short)
#
# Each target is a harness Fuzz/<Name>Fuzz.swift plus the library source files it needs, declared
# below (paths and globs, from several targets). They are compiled as one module with
# `swiftc -sanitize=fuzzer,address`: copies of the files go to .build-fuzz/<target>/src with the
# package's own `import` lines dropped (C module imports stay, found through the module maps
# below). Harnesses that need OpenSSL-backed code link the real HealthCardCrypto (OpenSSL 3,
# -lcrypto); the qr-payload and health-code targets, whose parsers never call it, use
# Fuzz/FuzzStubs.swift instead and build without C. A target whose files read
# resources through `Bundle.module` lists the resource folders, which are copied into one folder
# that a generated `Bundle.module` points at.
#
# Per target, under .build-fuzz/<target>/: the binary `fuzz` (rebuilt only when one of its
# inputs, this script or FUZZ_OPT changed), the corpus libFuzzer grows (`corpus/`; the seeds in
# Fuzz/corpus/<target>/ are only read), `fuzz.log` and any `crash-*`/`timeout-*`/`oom-*` input.
# Exits non-zero on a crash, a sanitizer report, a failed round-trip check, a timeout or an
# out-of-memory, naming the reproducer; reproduce with `.build-fuzz/<target>/fuzz FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=.build-fuzz
opt="${FUZZ_OPT:--O}"

# MARK: - The targets

# Source sets several targets share.
foundation_core="Sources/HealthCardFoundation/HealthCardError.swift Sources/HealthCardFoundation/Encoding/*.swift
    Sources/HealthCardFoundation/Common/*.swift Sources/HealthCardFoundation/Files/*.swift"
# All of it; Identity reads gb2260.tsv, so a target with it lists Sources/HealthCardFoundation/Resources.
foundation_all="$foundation_core Sources/HealthCardFoundation/CodeTables/*.swift
    Sources/HealthCardFoundation/Identity/*.swift"
# HealthCardCrypto with OpenSSL (SM3, SM2 keys): needs crypto_c and crypto_libs too.
crypto="Sources/HealthCardCrypto/*.swift Sources/HealthCardCrypto/OpenSSL/*.swift"
crypto_c="Sources/CHealthShims/OpenSSL/shims.c"
crypto_libs="-lcrypto"
qr_payload="Sources/HealthQR/PayloadSyntaxError.swift Sources/HealthQR/Base45.swift
    Sources/HealthQR/PrefixedBase45.swift Sources/HealthQR/CardIDProfile.swift
    Sources/HealthQR/EHealthCardPayload.swift Sources/HealthQR/KeyID.swift Sources/HealthQR/SignedCode.swift
    Sources/HealthQR/SignedCodeFormat.swift"

targets=(qr-payload card-records apdu health-code platform-file empi-csv lists declaration images)

# Sets, for target $1: harness, sources (Swift files and globs), c_sources (C files, compiled
# with clang under the same sanitizers), libs (linker flags), resources (folders for Bundle.module).
declare_target() {
    c_sources="" libs="" resources=""
    case "$1" in
    qr-payload)
        # The plain cardId:type[:validity] grammar, base45 and the signed HCK1 format.
        harness=Fuzz/QRPayloadFuzz.swift
        sources="Fuzz/FuzzStubs.swift Sources/HealthCardFoundation/HealthCardError.swift
            Sources/HealthCardFoundation/Encoding/ByteReader.swift
            Sources/HealthCardCrypto/HashFunction.swift Sources/HealthCardCrypto/SM2Signature.swift
            $qr_payload" ;;
    card-records)
        # TLV records, the field encodings (BCD cn, ans/GBK, b, dates, money, flags) and the
        # record codec over every file of the card layout.
        harness=Fuzz/CardRecordsFuzz.swift
        sources="$foundation_core Sources/HealthCardFoundation/CodeTables/*.swift
            Sources/ResidentCard/Card/FieldSpec.swift Sources/ResidentCard/Card/FileSpec.swift
            Sources/ResidentCard/Card/CardRecord.swift Sources/ResidentCard/Card/CardRecordCodec.swift
            Sources/ResidentCard/Card/BinaryBlob.swift
            Sources/ResidentCard/Card/PersonalRecords.swift Sources/ResidentCard/Card/CyclicRecords.swift
            Sources/ResidentCard/Card/EncounterRecords.swift Sources/ResidentCard/Card/EncounterLayout.swift
            Sources/ResidentCard/Card/ResidentCardFileSystem.swift
            Sources/ResidentCard/Card/KeyReference+ResidentCard.swift
            Sources/ResidentCard/APDU/FileIdentifier.swift" ;;
    apdu)
        # Response and command APDUs, status-word interpretation, answers to reset.
        harness=Fuzz/APDUFuzz.swift
        sources="$foundation_core Sources/ResidentCard/APDU/ResponseAPDU.swift
            Sources/ResidentCard/APDU/AnswerToReset.swift Sources/ResidentCard/APDU/StatusWord.swift
            Sources/ResidentCard/APDU/StatusWordInterpretation.swift
            Sources/ResidentCard/APDU/CardCommandKind.swift Sources/ResidentCard/APDU/CommandAPDU.swift
            Sources/ResidentCard/APDU/FileIdentifier.swift" ;;
    health-code)
        # HCC1 health codes (GB/T 38961-3) and their base45.
        harness=Fuzz/HealthCodeFuzz.swift
        sources="Fuzz/FuzzStubs.swift $foundation_all Sources/HealthCardCrypto/HashFunction.swift
            Sources/HealthCardCrypto/SM2Signature.swift $qr_payload Sources/PersonalHealthCode/HealthCode.swift
            Sources/PersonalHealthCode/HealthColour.swift Sources/PersonalHealthCode/HealthCodeFormat.swift"
        resources="Sources/HealthCardFoundation/Resources" ;;
    platform-file)
        # City/province platform exchange files (HCKPLAT, SM3 trailer).
        harness=Fuzz/PlatformFileFuzz.swift
        sources="$foundation_core $crypto Sources/EMPIIndex/Accounts/PlatformFile.swift"
        c_sources=$crypto_c libs=$crypto_libs ;;
    empi-csv)
        # EMPI CSV tables and field mappings (mapping JSON, then CSV through the mapping).
        harness=Fuzz/EMPICSVFuzz.swift
        sources="$foundation_all Sources/EMPI/*.swift"
        resources="Sources/HealthCardFoundation/Resources Sources/EMPI/Resources" ;;
    lists)
        # Trust list, revocation list and checkpoint policy JSON, from bytes.
        harness=Fuzz/ListsFuzz.swift
        sources="$foundation_all $crypto $qr_payload Sources/HealthQR/TrustList.swift
            Sources/HealthQR/RevocationList.swift Sources/PersonalHealthCode/HealthColour.swift
            Sources/PersonalHealthCode/HealthCode.swift Sources/PersonalHealthCode/HealthCodeFormat.swift
            Sources/PersonalHealthCode/Checkpoint/CheckpointPolicy.swift"
        c_sources=$crypto_c libs=$crypto_libs
        resources="Sources/HealthCardFoundation/Resources" ;;
    declaration)
        # Health-information declarations validated against the shipped schema.
        harness=Fuzz/DeclarationFuzz.swift
        sources="$foundation_all Sources/PersonalHealthCode/HealthInformationSchema.swift"
        resources="Sources/HealthCardFoundation/Resources Sources/PersonalHealthCode/Resources" ;;
    images)
        # PNG and JPEG decoding through the C shims over libpng and libjpeg (images of at most
        # 2²⁰ pixels, checked from the header first) and the pure-Swift format sniffer.
        harness=Fuzz/ImagesFuzz.swift
        sources="Sources/HealthCardFoundation/HealthCardError.swift Sources/HealthQR/ImageFile.swift"
        c_sources="Sources/CHealthShims/Imaging/shims.c"
        libs="-lpng16 -ljpeg -lzbar -lzint" ;;
    *)
        echo "fuzz: unknown target '$1' (targets: ${targets[*]})" >&2
        exit 2 ;;
    esac
}

# MARK: - Building

# Module maps for the C modules the sources may import: the package's system libraries, and the
# shim targets, whose module maps SwiftPM would generate.
module_flags() {
    local dir
    for dir in Sources/CHealthShims/system/*/; do printf -- '-I %s ' "$dir"; done
    for shim in OpenSSL Imaging; do
        dir="$out/modules/CHealthShims$shim"
        mkdir -p "$dir"
        printf 'module CHealthShims%s {\n    header "%s/Sources/CHealthShims/%s/include/CHealthShims%s.h"\n    export *\n}\n' \
            "$shim" "$root" "$shim" "$shim" > "$dir/module.modulemap"
        printf -- '-I %s ' "$dir"
    done
}

build() {
    local target=$1 dir="$out/$1"
    declare_target "$target"
    # Expand the globs; every listed file must exist (a renamed file fails loudly here).
    local files=() pattern file
    for pattern in $harness $sources; do
        local matched=($pattern)
        for file in "${matched[@]}"; do
            [ -f "$file" ] || { echo "fuzz: $target: no file $file" >&2; exit 2; }
            files+=("$file")
        done
    done
    local stamp="$dir/build-flags" flags="$opt|$c_sources|$libs|$resources"
    local binary="$dir/fuzz" stale=no
    if [ ! -x "$binary" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$flags" ]; then stale=yes; fi
    local resource_files=()
    [ -n "$resources" ] && mapfile -t resource_files < <(find $resources -type f)
    for file in "${files[@]}" $c_sources "${resource_files[@]}" "$0"; do
        [ "$file" -nt "$binary" ] && stale=yes
    done
    [ "$stale" = no ] && return 0

    echo "fuzz: building $binary ($opt, ${#files[@]} Swift files)"
    rm -rf "$dir/src" "$dir/obj" "$dir/resources" && mkdir -p "$dir/src" "$dir/obj"
    local copies=()
    for file in "${files[@]}"; do
        # Same-named files from different targets stay apart.
        local copy="$dir/src/$(echo "$file" | tr / _)"
        grep -vE '^(@testable |internal |public |package )?import (HealthCard[A-Za-z]*|HealthQR[A-Za-z]*|ResidentCard[A-Za-z]*|PersonalHealthCode|EMPI[A-Za-z]*)$' \
            "$file" > "$copy"
        copies+=("$copy")
    done
    if [ -n "$resources" ]; then
        # One folder for every target's resources, as SwiftPM's bundle would be per target.
        mkdir -p "$dir/resources"
        for folder in $resources; do cp -R "$folder"/. "$dir/resources/"; done
        printf '// Generated by Scripts/fuzz.sh: the resources of the fuzz build.\nimport Foundation\n%s\n' \
            "extension Foundation.Bundle { static let module = Bundle(path: \"$root/$dir/resources\")! }" \
            > "$dir/src/BundleModule.swift"
        copies+=("$dir/src/BundleModule.swift")
    fi
    local objects=()
    for file in $c_sources; do
        local object="$dir/obj/$(echo "$file" | tr / _).o"
        clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I "$(dirname "$file")/include" -o "$object" "$file"
        objects+=("$object")
    done
    local module=$(echo "$target" | sed -E 's/(^|-)([a-z])/\U\2/g')Fuzz
    # shellcheck disable=SC2046
    swiftc -sanitize=fuzzer,address -parse-as-library "$opt" -g -use-ld=lld \
        -module-name "$module" -package-name HealthCardKit $(module_flags) \
        -o "$binary" "${copies[@]}" "${objects[@]}" $libs
    echo "$flags" > "$stamp"
}

# MARK: - Running

run() {
    local target=$1 seconds=$2 dir="$out/$1"
    mkdir -p "$dir/corpus"
    # The Swift runtime's own backtracer would run inside libFuzzer's crash handler (and under
    # ASan); libFuzzer prints the stack itself. Leak detection is off: LeakSanitizer reports the
    # once-initialised static lets holding indirect enums (JSONShape) as leaks, because Swift packs
    # tag bits into those pointers and the scanner no longer recognises them.
    local status=0
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$dir/fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
        -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" "Fuzz/corpus/$target" \
        2> "$dir/fuzz.log" || status=$?
    if [ "$status" -ne 0 ]; then
        grep -E "Fatal error|ERROR:|SUMMARY|Test unit written|Precondition failed" "$dir/fuzz.log" >&2 || true
        echo "fuzz: $target FAILED (exit $status); full log in $dir/fuzz.log; reproduce with $dir/fuzz $(ls -t "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* "$dir"/leak-* 2>/dev/null | head -1)" >&2
        return "$status"
    fi
    local execs units
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log")
    units=$(sed -n 's/^stat::new_units_added: *//p' "$dir/fuzz.log")
    echo "fuzz: $target: no crash in ${seconds}s, $execs executions, $units new units"
    # FUZZ_MIN_EXECS: a campaign goal of "N seconds and at least M executions, whichever is
    # later": a target that fell short goes on from the corpus it grew for the executions missing.
    local missing=$(( ${FUZZ_MIN_EXECS:-0} - execs ))
    if [ "$missing" -gt 0 ]; then
        local start=$SECONDS
        SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$dir/fuzz" -runs="$missing" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
            -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" "Fuzz/corpus/$target" \
            2> "$dir/fuzz-more.log" || status=$?
        if [ "$status" -ne 0 ]; then
            grep -E "Fatal error|ERROR:|SUMMARY|Test unit written|Precondition failed" "$dir/fuzz-more.log" >&2 || true
            echo "fuzz: $target FAILED (exit $status) in the added runs; full log in $dir/fuzz-more.log" >&2
            return "$status"
        fi
        local more
        more=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz-more.log")
        echo "fuzz: $target: no crash in $((SECONDS - start))s more, $more executions more ($((execs + more)) in all)"
    fi
}

if [ "${1:-}" = "--list" ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
seconds="${1:-30}"
[ $# -gt 0 ] && shift
selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=("${targets[@]}")
for target in "${selected[@]}"; do declare_target "$target"; done  # unknown names fail first
failed=()
for target in "${selected[@]}"; do
    build "$target"
    run "$target" "$seconds" || failed+=("$target")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}" >&2
    exit 1
fi
