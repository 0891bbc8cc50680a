#!/usr/bin/env bash
# Sets Backlot up on a fresh Debian machine, then builds the bundled example.
#   scripts/setup.sh              everything, then `backlot build` on examples/night_run
#   scripts/setup.sh --no-build   everything but the example build (what tests need)
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the code and tests call: poppler-utils rasterizes printed PDFs in tests;
# Mesa's EGL and llvmpipe driver give the renderer OpenGL without a screen or a GPU;
# espeak-ng speaks the scratch dialogue.
APT_PACKAGES=(poppler-utils libegl1 libegl-mesa0 libgl1-mesa-dri libgl1 espeak-ng)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# uv makes the virtual environment and installs the exact pins of requirements.lock.
if ! command -v uv >/dev/null 2>&1; then
    python3 -m pip install -q --disable-pip-version-check uv
fi
UV="$(command -v uv || echo "python3 -m uv")"
if [ ! -x .venv/bin/python ]; then
    $UV venv -q --python "$(command -v python3)" .venv
fi
# Bytecode compiled once here, so that no command pays for compiling its imports (where
# PYTHONDONTWRITEBYTECODE is set, Python would otherwise compile them on every start).
$UV pip sync -q --compile-bytecode -p .venv/bin/python requirements.lock
$UV pip install -q -p .venv/bin/python --no-deps -e .

if [ "${1:-}" != "--no-build" ]; then
    .venv/bin/backlot build examples/night_run/script.fountain
fi
