#!/usr/bin/env bash
# Command 2 of the README: set up (system packages, venv, test tools), then lint, type-check and test.
# Extra arguments go to pytest (e.g. -k browser, -x).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
export SE_OFFLINE=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
