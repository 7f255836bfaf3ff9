#!/usr/bin/env bash
# Run the main job with a scaffold from a user's install (a wheel in a clean
# virtualenv, no dev extras): --version, --help, audit, init and plan on a copy
# of the bundled example. Used by tests/cli/test_user_install.py and release.yml.
#   usage: scripts/user-install-check.sh PATH/TO/bin/scaffold [EXAMPLE_DIR]
set -euo pipefail
scaffold="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")/.." && pwd)"
example="${2:-$here/examples/notes-express-pg}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
app="$work/$(basename "$example")"
cp -R "$example" "$app"
(
  cd "$app"
  git init -q -b main && git add -A
  git -c user.name=check -c user.email=check@example.com commit -q -m "prototype"
)
"$scaffold" --version
"$scaffold" --help >/dev/null
"$scaffold" audit "$app" --format json >"$work/audit.json"
grep -q '"score"' "$work/audit.json"
"$scaffold" init "$app" --defaults
test -f "$app/Dockerfile" && test -f "$app/infra/Pulumi.staging.yaml"
(cd "$app" && "$scaffold" plan staging --json) >"$work/plan.json"
grep -q '"monthly_total_usd"' "$work/plan.json"
echo "user install: version, help, audit, init and plan ran on $(basename "$example")"
