#!/usr/bin/env bash
# What the tests need beyond Python packages: Debian packages and the printer emulator's venv.
# Safe to run again: each step checks first. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"

# QR decoding (printer tests), tmux (TUI checks), Chromium + driver (browser tests), the
# PostgreSQL server binaries (the store tests start a throwaway server: initdb, pg_ctl).
need=()
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v tmux >/dev/null || need+=(tmux)
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

# emupos, the ESC/POS printer emulator (needs Python 3.13: its own venv).
bash .ci/setup-emupos.sh
