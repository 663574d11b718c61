#!/usr/bin/env bash
# Installs libhcard.so, its headers (hcard_vendor.h, hcard.h) and hcard.pc into a prefix:
#
#   Scripts/install-capi.sh PREFIX [--debug] [--bundle-swift-runtime]
#
#   PREFIX/lib/libhcard.so                 the library (SwiftPM product hcard-capi, soname libhcard.so)
#   PREFIX/include/hcard/hcard_vendor.h    the vendor reader DLL's interface
#   PREFIX/include/hcard/hcard.h           the C API
#   PREFIX/lib/pkgconfig/hcard.pc          `pkg-config --cflags --libs hcard`
#
# Builds the release configuration unless --debug (which reuses `swift build`'s debug build, as
# Scripts/test-capi.sh does). The library needs the Swift runtime libraries (libswiftCore.so,
# libFoundation.so, ...): found through its RUNPATH in the toolchain that built it, or, with
# --bundle-swift-runtime, copied next to it for machines without the toolchain. Docs/c-api.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: Scripts/install-capi.sh PREFIX [--debug] [--bundle-swift-runtime]" >&2; exit 64; }
prefix=$1
shift
configuration=release
bundle=no
for option in "$@"; do
    case $option in
        --debug) configuration=debug ;;
        --bundle-swift-runtime) bundle=yes ;;
        *) echo "install-capi.sh: unknown option $option" >&2; exit 64 ;;
    esac
done

swift build -c "$configuration" --product hcard-capi 2>&1 | { grep -v "prohibited flag(s): -pthread" || true; }
built="$(swift build -c "$configuration" --show-bin-path)/libhcard-capi.so"
version=$(sed -n 's/^let hcardVersion = "\(.*\)"$/\1/p' Sources/HealthCardCAPI/ModernCommon.swift)
[ -n "$version" ] || { echo "install-capi.sh: no hcardVersion in Sources/HealthCardCAPI/ModernCommon.swift" >&2; exit 1; }

mkdir -p "$prefix/lib/pkgconfig" "$prefix/include/hcard"
prefix=$(cd "$prefix" && pwd)
install -m 0755 "$built" "$prefix/lib/libhcard.so"
install -m 0644 Sources/HealthCardCAPI/include/hcard_vendor.h Sources/HealthCardCAPI/include/hcard.h "$prefix/include/hcard/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" Sources/HealthCardCAPI/hcard.pc.in > "$prefix/lib/pkgconfig/hcard.pc"
if [ "$bundle" = yes ]; then
    # The Swift runtime libraries the library loads from the toolchain, next to it ($ORIGIN).
    ldd "$prefix/lib/libhcard.so" | awk '$3 ~ /\/swift\// {print $3}' | while read -r library; do
        install -m 0644 "$library" "$prefix/lib/"
    done
fi
echo "installed libhcard.so $version into $prefix (pkg-config: PKG_CONFIG_PATH=$prefix/lib/pkgconfig)"
