#!/usr/bin/env bash
# The C library's tests (Docs/c-api.md), run by Scripts/test.sh after pcscd is up:
#  1. install libhcard.so, the headers and hcard.pc into a temporary prefix (Scripts/install-capi.sh);
#  2. the export list: `nm -D --defined-only` lists exactly the functions the two headers declare,
#     and Sources/HealthCardCAPI/exports.map names exactly those;
#  3. the C API test (Tests/CAPI/capi_modern.c), compiled with gcc through pkg-config;
#  4. with pcscd + vpcd (HCARD_PCSCD=running): `hcard emulate` serves a fresh card, and the vendor
#     call order runs through gcc-compiled C (Tests/CAPI/vendor_order.c), Python ctypes
#     (vendor_order.py) and, if Debian's JNA is installed, Java (VendorOrder.java); every value is
#     compared with `hcard read --json` (Tests/CAPI/compare.py). The C run is repeated with
#     256-byte chunks (HCARD_CHUNK=256) as well as the vendor's 0x80 default.
# Without pcscd the card runs are skipped, unless CI=true, where that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hcard-capi.XXXXXX")
EMULATOR_PID=""
cleanup() {
    if [ -n "$EMULATOR_PID" ]; then kill -TERM "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# 1. Install.
bash Scripts/install-capi.sh "$work/prefix" --debug > "$work/install.log"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
library="$work/prefix/lib/libhcard.so"

# 2. Exports.
declared=$(cat Sources/HealthCardCAPI/include/hcard_vendor.h Sources/HealthCardCAPI/include/hcard.h \
    | grep '^HCARD_API' | sed -E 's/^HCARD_API [^(]*[ *]([A-Za-z_0-9]+)\(.*/\1/' | sort)
exported=$(nm -D --defined-only "$library" | awk '{print $3}' | sort)
mapped=$(sed -n 's/^    \([A-Za-z_0-9]*\);$/\1/p' Sources/HealthCardCAPI/exports.map | sort)
if [ "$declared" != "$exported" ] || [ "$declared" != "$mapped" ]; then
    echo "test-capi: the exports of libhcard.so differ from the headers:" >&2
    diff <(echo "$declared") <(echo "$exported") >&2 || true
    diff <(echo "$declared") <(echo "$mapped") >&2 || true
    exit 1
fi
echo "test-capi: nm -D lists exactly the $(echo "$declared" | wc -l) functions of hcard_vendor.h and hcard.h"

# 3. The C API, compiled against the installed header and library.
compile() { gcc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags hcard) -o "$work/$1" "Tests/CAPI/$1.c" $(pkg-config --libs hcard) -lpthread; }
compile capi_modern
compile vendor_order
gcc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags hcard) -o "$work/read_card" Examples/c-vendor/read_card.c $(pkg-config --libs hcard)
hcard="$(swift build --show-bin-path)/hcard"
# Its inputs, made by the CLI: a key and trust list, a revocation list, a health code, an EMPI index.
modern="$work/modern"
mkdir -p "$modern"
install -m 0600 Fixtures/qr/test-issuer.key "$modern/issuer.key"
cp Fixtures/qr/trust.json "$modern/trust.json"
"$hcard" keys revoke --revoked "$modern/revoked.json" --card-id REVOKED1 > /dev/null
echo '{"name":"张三","sex":"1","documentType":"01","documentNumber":"11010519491231002X","householdRegion":"460105","temperature":36.6,"symptoms":[],"riskAreaStay":false,"overseas":false}' \
    | "$hcard" code declare --db "$modern/hc.db" --from - > /dev/null
"$hcard" code issue --db "$modern/hc.db" --person 11010519491231002X --key "$modern/issuer.key" 2> /dev/null > "$modern/health-code.txt"
"$hcard" empi init "$modern/empi.sqlite" > /dev/null
"$hcard" empi domain add --db "$modern/empi.sqlite" --code hosp-a --type visit-card > /dev/null
"$hcard" empi domain add --db "$modern/empi.sqlite" --code citizen-id --type citizen-id > /dev/null
"$hcard" empi ingest --db "$modern/empi.sqlite" --csv Fixtures/empi/people.csv --mapping Fixtures/empi/people.mapping.json > /dev/null
"$work/capi_modern" "$modern"

# 4. The vendor call order through pcscd.
if [ "${HCARD_PCSCD:-}" != running ]; then
    if [ "${CI:-}" = true ]; then echo "test-capi: CI=true but pcscd is not running (HCARD_PCSCD)" >&2; exit 1; fi
    echo "test-capi: no pcscd (HCARD_PCSCD=running): the vendor call-order tests are skipped"
    exit 0
fi

# A fresh personalised card in vpcd's slot, the virtual SAM in the next.
start_card() {
    "$hcard" card new --holder Fixtures/records/holder.json --image "$work/card.img" --force > /dev/null
    "$hcard" emulate --image "$work/card.img" > "$work/emulate.log" 2>&1 &
    EMULATOR_PID=$!
    for _ in $(seq 200); do
        "$hcard" readers 2>/dev/null | grep -q "SAM" && "$hcard" readers 2>/dev/null | grep -q "card " && return 0
        sleep 0.05
    done
    echo "test-capi: hcard emulate did not attach:" >&2; cat "$work/emulate.log" >&2; exit 1
}
stop_card() {
    kill -TERM "$EMULATOR_PID"; wait "$EMULATOR_PID" || true; EMULATOR_PID=""
    rm -f "$work/card.img"
    # pcscd notices a removal on its next poll: wait until no reader shows a card.
    for _ in $(seq 200); do "$hcard" readers 2>/dev/null | grep -qE " (card|SAM) " || return 0; sleep 0.05; done
}

run_client() {  # name, then the client command
    local name=$1; shift
    start_card
    python3 Tests/CAPI/compare.py "$hcard" "$name" "$@"
    stop_card
    echo "test-capi: $name passed"
}
# The example of Examples/c-vendor, as an integrator runs it.
start_card
HCARD_TEXT=utf8 "$work/read_card" > "$work/read_card.out"
grep -q "^name         张三丰$" "$work/read_card.out" && grep -q "^ID number    11010519491231002X$" "$work/read_card.out" \
    || { echo "test-capi: Examples/c-vendor/read_card printed:" >&2; cat "$work/read_card.out" >&2; exit 1; }
echo "test-capi: Examples/c-vendor/read_card passed"
python3 Tests/CAPI/configuration.py "$library"
stop_card

run_client "C, 0x80 chunks" "$work/vendor_order"
HCARD_CHUNK=256 run_client "C, 256-byte chunks" "$work/vendor_order"
run_client "Python ctypes" python3 Tests/CAPI/vendor_order.py "$library"
if [ -f /usr/share/java/jna.jar ] && command -v javac > /dev/null; then
    javac -encoding UTF-8 -d "$work/java" -cp /usr/share/java/jna.jar Tests/CAPI/VendorOrder.java
    run_client "Java JNA" java -Djna.library.path="$work/prefix/lib" -cp "/usr/share/java/jna.jar:$work/java" VendorOrder
else
    echo "test-capi: no JNA (apt-get install libjna-java default-jdk-headless): the Java run is skipped"
fi
