#!/usr/bin/env bash
# Installs the system packages HealthCardKit builds and tests against (Debian 12, as root).
# Idempotent: run it again after a pull that adds a package.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    pkg-config \
    libpcsclite-dev pcscd pcsc-tools vsmartcard-vpcd \
    libqrencode-dev qrencode \
    libzbar-dev zbar-tools \
    libssl-dev openssl \
    libpng-dev libjpeg-dev libwebp-dev libzint-dev \
    libzxing-dev \
    libsqlite3-dev sqlite3 \
    postgresql-15 postgresql-client-15 \
    iproute2 procps \
    gcc libc6-dev libjna-java default-jdk-headless \
    chromium fonts-wqy-microhei \
    >/dev/null
echo "setup: system packages installed"
# schemathesis: Scripts/check-api.sh runs it against a live `hcard serve` (Docs/serve.md §6).
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "schemathesis==4.32.5"
echo "setup: schemathesis installed"
# websockets: Tests/Browser/steward_review.py drives headless chromium over the DevTools protocol.
python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "websockets==17.4"
echo "setup: websockets installed"
# libgpiod 1.6 (the gate's GPIO door, CheckpointGateGPIO) and its tools (gpioinfo, gpioset: a
# site engineer's wiring check). The GPIO door tests build their mock chardev with gcc (above).
$SUDO apt-get install -y -qq --no-install-recommends libgpiod-dev gpiod >/dev/null
echo "setup: libgpiod installed"
