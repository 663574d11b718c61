#!/usr/bin/env bash
# Checks the layering that Package.swift and Docs/architecture.md describe, on the built tree:
#  1. each C module is imported by exactly one adapter target (and nothing else imports it);
#  1b. zxing-cpp (C++) is included only by its shim, Sources/CHealthShims/ZXing, which only the
#     adapter HealthQRZXing imports (rule 1);
#  2. GRDB (SQLite) is imported only by the storage targets (the libraries' stores, their shared
#     helper, and the server's own key and audit store); SQLite's C API (GRDBSQLite) only by the
#     shared helper HealthCardSQLite;
#  2b. the HTTP stack (Hummingbird, SwiftNIO, swift-log/metrics, Prometheus, service lifecycle)
#     is imported only by HealthCardServer (hcard starts the server through its API);
#  2c. PostgresNIO is imported only by the server's PostgreSQL adapter,
#     Sources/HealthCardServer/Postgres/ (and the server tests that set up databases);
#  3. a program built from the card stack alone (hcard-card-probe) links no SQLite, zbar,
#     libqrencode, libpng, libjpeg, libwebp, libzint, zxing-cpp or libgpiod (ldd);
#  4. Docs/architecture.md names every target of Package.swift;
#  5. no CLI file reaches 300 lines;
#  6. the C library target HealthCardCAPI is a leaf: no target depends on it (its linker flags
#     are unsafe flags, which SwiftPM refuses in a package's dependencies' targets).
# Exits 1 with one line per violation.
set -euo pipefail
cd "$(dirname "$0")/.."
failures=0
fail() { echo "architecture: $*" >&2; failures=$((failures + 1)); }

# 1. C modules → the one target allowed to import each.
declare -A owner=(
    [COpenSSL]=HealthCardCrypto [CHealthShimsOpenSSL]=HealthCardCrypto
    [CPCSCLite]=ResidentCardPCSC [CHealthShimsPCSC]=ResidentCardPCSC
    [CQREncode]=HealthQRImaging [CZBar]=HealthQRImaging [CPNG]=HealthQRImaging [CJPEG]=HealthQRImaging
    [CWebP]=HealthQRImaging
    [CZint]=CHealthShimsImaging
    [CHealthShimsImaging]=HealthQRImaging
    [CHealthShimsZXing]=HealthQRZXing
    [CGPIOD]=CheckpointGateGPIO
)
while IFS=: read -r file _ text; do
    module=$(sed -E 's/^.*import ([A-Za-z]+).*$/\1/' <<<"$text")
    target=$(cut -d/ -f2 <<<"$file")
    expected=${owner[$module]:-}
    if [ -z "$expected" ]; then fail "$file imports $module, which no adapter owns"; continue; fi
    [ "$target" = "$expected" ] || fail "$file imports $module; only $expected may"
done < <(grep -rnE '^(internal |private |public |@_implementationOnly )?import C[A-Z][A-Za-z]*$' Sources Examples || true)

# 1b. zxing-cpp's C++ headers only in its shim.
while IFS=: read -r file _ text; do
    case "$file" in
        Sources/CHealthShims/ZXing/*) ;;
        *) fail "$file: $text (only Sources/CHealthShims/ZXing may include zxing-cpp)" ;;
    esac
done < <(grep -rnE '^#include [<"]ZXing/' Sources Examples || true)

# 2. SQLite only in the storage targets.
while IFS=: read -r file _ _; do
    case "$(cut -d/ -f2 <<<"$file")" in
        PersonalHealthCode | ScanRegistration | EMPIIndex | HealthCardSQLite | HealthCardServer) ;;
        *) fail "$file imports GRDB; only PersonalHealthCode, ScanRegistration, EMPIIndex, HealthCardSQLite and HealthCardServer may" ;;
    esac
done < <(grep -rnE '^(internal |public )?import GRDB$' Sources || true)
# 2a. SQLite's C API (GRDB's GRDBSQLite module) only in the shared helper's SingleStatementReader.
while IFS=: read -r file _ _; do
    [ "$(cut -d/ -f2 <<<"$file")" = HealthCardSQLite ] || fail "$file imports GRDBSQLite; only HealthCardSQLite may"
done < <(grep -rnE '^(internal |public )?import GRDBSQLite$' Sources || true)

# 2b. The HTTP stack only in the server target: the libraries stay free of it.
while IFS=: read -r file _ text; do
    [ "$(cut -d/ -f2 <<<"$file")" = HealthCardServer ] || fail "$file: $text (only HealthCardServer may)"
done < <(grep -rnE '^(internal |public )?import (Hummingbird[A-Za-z]*|NIO[A-Za-z]*|HTTPTypes|Logging|Metrics|Prometheus|ServiceLifecycle)$' Sources || true)

# 2c. PostgreSQL only in the server's PostgreSQL adapter folder.
while IFS=: read -r file _ text; do
    case "$file" in
        Sources/HealthCardServer/Postgres/*) ;;
        *) fail "$file: $text (only Sources/HealthCardServer/Postgres/ may)" ;;
    esac
done < <(grep -rnE '^(internal |public )?import PostgresNIO$' Sources || true)

# 3. The card stack links none of the storage or image libraries.
swift build --product hcard-card-probe 2>&1 | grep -v "prohibited flag(s): -pthread" | tail -1
probe="$(swift build --show-bin-path)/hcard-card-probe"
linked=$(ldd "$probe")
for library in libsqlite3 libzbar libqrencode libpng libjpeg libwebp libzint libZXing libgpiod; do
    if grep -q "$library" <<<"$linked"; then fail "hcard-card-probe links $library"; fi
done
grep -q libpcsclite <<<"$linked" || fail "hcard-card-probe does not link libpcsclite: the probe is not what it claims"

# 4. The architecture document names every target.
for target in $(grep -oE 'name: "[A-Za-z-]+"' Package.swift | cut -d'"' -f2 | sort -u); do
    case "$target" in
        HealthCardKit | ArgumentParser | GRDB | Hummingbird | Logging | Metrics | Prometheus | ServiceLifecycle | NIOCore | HTTPTypes | PostgresNIO) continue ;;
    esac
    grep -q "\`$target\`" Docs/architecture.md || fail "Docs/architecture.md does not describe target $target"
done

# 5. The CLI stays parse → call → print.
while read -r lines file; do
    [ "$file" = total ] && continue
    [ "$lines" -lt 300 ] || fail "$file has $lines lines (the CLI keeps each file under 300)"
done < <(wc -l Sources/hcard/*.swift)

# 6. HealthCardCAPI is a leaf: mentioned once as a target and once as the product's target.
uses=$(grep -c '"HealthCardCAPI"' Package.swift)
[ "$uses" -eq 2 ] || fail "Package.swift names HealthCardCAPI $uses times: only its target and the hcard-capi product may"

if [ "$failures" -gt 0 ]; then exit 1; fi
echo "architecture: ok (C imports, SQLite, card-stack links: $(grep -c '=>' <<<"$linked") libraries, docs, CLI sizes)"
