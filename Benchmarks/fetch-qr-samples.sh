#!/bin/sh
# Fetches the real-world QR photos of the `qr` benchmark (the read-rate rows): zxing-cpp's public
# sample sets test/samples/qrcode-1 ... qrcode-6 (137 images: photos of printed codes, screenshots,
# rotated, tilted, damaged; most are WebP), each with the expected text in <name>.txt.
#
# Source: https://github.com/zxing-cpp/zxing-cpp, commit 77dceca0687d46914b13f007447f5b354b078dd8
# (2026-08-20). Licence: Apache License 2.0 (the repository's LICENSE); most images come from the
# ZXing project's test data, also Apache 2.0. They are not committed here: this script puts them in
# Benchmarks/.samples/ (ignored by git), where the benchmark looks for them (or set HCK_QR_SAMPLES).
#
# Usage: sh Benchmarks/fetch-qr-samples.sh [a local clone of zxing-cpp to copy from instead of GitHub]
set -eu
commit=77dceca0687d46914b13f007447f5b354b078dd8
here=$(cd "$(dirname "$0")" && pwd)
target="$here/.samples"
source=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$source" ]; then
    git -C "$work" init -q repo
    git -C "$work/repo" remote add origin https://github.com/zxing-cpp/zxing-cpp.git
    git -C "$work/repo" fetch -q --depth 1 --filter=blob:none origin "$commit"
    source="$work/repo"
fi
mkdir -p "$target"
for set in 1 2 3 4 5 6; do
    mkdir -p "$target/qrcode-$set"
    git -C "$source" ls-tree "$commit" "test/samples/qrcode-$set/" | while read -r _ _ blob path; do
        git -C "$source" cat-file -p "$blob" > "$target/qrcode-$set/$(basename "$path")"
    done
done
printf 'zxing-cpp %s test/samples/qrcode-1..6, Apache-2.0\n' "$commit" > "$target/SOURCE"
echo "$(find "$target" -name '*.txt' ! -name '*.result.txt' | wc -l) expected texts in $target"
