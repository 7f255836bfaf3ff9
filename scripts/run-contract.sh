#!/usr/bin/env bash
# The run contract (docs/init.md, "Run contract"): for every fixture prototype, run
# `scaffold init`, then install, build, prune, migrate (scratch TLS Postgres) and start
# each app on the host exactly as its generated Dockerfile does, request its health path,
# and replay its generated CI job. Needs node/npm, Python, the Postgres 15 binaries and
# the npm registry and PyPI. Fixtures run on two pytest-xdist workers sharing one npm and
# pip cache; an app's start and tests hold a lock on its port (apps use fixed ports).
#   bash scripts/run-contract.sh            the fixture prototypes
#   bash scripts/run-contract.sh -k django  extra pytest arguments (-n 0: one worker)
#   bash scripts/run-contract.sh --real     the public prototypes of benchmarks/real-prototypes.txt
#   bash scripts/run-contract.sh --real --list benchmarks/unseen-prototypes.txt   another list
set -euo pipefail
cd "$(dirname "$0")/.."
export SCAFFOLD_RUN_CONTRACT=1
if [ "${1:-}" = "--real" ]; then
  shift
  exec .venv/bin/python -m tests.run_contract.real "$@"
fi
exec .venv/bin/python -m pytest -n 2 -m run_contract tests/run_contract --durations=10 "$@"
