#!/usr/bin/env bash
# Runs the whole test suite (setting up first where needed), then ruff.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-build
.venv/bin/ruff check --no-cache src tests benchmarks
exec .venv/bin/python -m pytest -n 2 "$@"
