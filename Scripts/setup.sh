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
    libsqlite3-dev sqlite3 \
    iproute2 procps \
    >/dev/null
echo "setup: system packages installed"
