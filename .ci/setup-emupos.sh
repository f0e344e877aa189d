#!/usr/bin/env bash
# Install the emupos ESC/POS printer emulator for the printer tests.
#
# emupos needs Python >= 3.13 while kcc runs on 3.11, so it gets its own venv at
# .emupos/venv (repo-relative, git-ignored). zbarimg (Debian zbar-tools) decodes the
# QR codes from the PNGs emupos writes. Safe to run again: every step checks first.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo/.emupos/venv"

find_python313() {
    local candidate
    if command -v pyenv >/dev/null 2>&1; then
        for candidate in "$(pyenv root)"/versions/3.13.*/bin/python; do
            [ -x "$candidate" ] && { echo "$candidate"; return 0; }
        done
    fi
    if command -v python3.13 >/dev/null 2>&1 && python3.13 -c 'import sys' >/dev/null 2>&1; then
        command -v python3.13
        return 0
    fi
    return 1
}

if [ ! -x "$venv/bin/emupos" ]; then
    py="$(find_python313)" || { echo "setup-emupos: no Python 3.13 interpreter found" >&2; exit 1; }
    echo "setup-emupos: creating $venv with $py"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet emupos
fi
"$venv/bin/emupos" --version 2>/dev/null || "$venv/bin/python" -m pip show emupos | head -2

if ! command -v zbarimg >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "setup-emupos: installing zbar-tools"
    $sudo_cmd apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y zbar-tools
fi
echo "setup-emupos: ok ($venv/bin/emupos, $(command -v zbarimg))"
