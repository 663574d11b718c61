#!/usr/bin/env bash
# Builds the DocC catalog of every library target with swift-docc-plugin and fails on any warning
# (an unresolved symbol link, an undocumented parameter of a documented function, …).
#
#   Scripts/check-docs.sh [TARGET…]     default: every library target
#
# The plugin is added to the package graph only for this (Package.swift, HCARD_DOCC=1), in its own
# build folder (.build-docs), so neither integrators nor the normal build depend on it.
# Archives: .build-docs/plugins/Swift-DocC/outputs/TARGET.doccarchive
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(HealthCardFoundation HealthCardCrypto ResidentCard ResidentCardEmulator ResidentCardPCSC
        HealthQR HealthQRZXing HealthQRImaging PersonalHealthCode ScanRegistration CheckpointGateGPIO CheckpointGate EMPI EMPIIndex HealthCardFixtures HealthCardCore)
fi
status=0
for target in "${targets[@]}"; do
    log=$(HCARD_DOCC=1 swift package --scratch-path .build-docs generate-documentation --target "$target" 2>&1) || {
        echo "$log" >&2
        echo "docs: $target: the documentation build failed" >&2
        status=1
        continue
    }
    warnings=$(grep -v 'prohibited flag(s): -pthread' <<<"$log" | grep -A1 '^warning:' | grep -v '^--$' || true)
    if [ -n "$warnings" ]; then
        echo "$warnings" >&2
        echo "docs: $target: $(grep -c '^warning:' <<<"$warnings") warning(s)" >&2
        status=1
    else
        echo "docs: $target: no warnings"
    fi
done
exit "$status"
