#!/usr/bin/env bash
# Command 1 of the README: set up on a bare machine, then run the main job on the packaged data.
# Extra arguments go to `ketamine-kg build` (e.g. --out DIR, --no-reason).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/ketamine-kg build "$@"
