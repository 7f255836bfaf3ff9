#!/usr/bin/env bash
# The main job, fully offline: run `scaffold audit` and `scaffold init` on the bundled
# example prototype. The example is copied to build/demo/ so examples/ stays pristine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
example="${1:-examples/notes-express-pg}"
target="build/demo/$(basename "$example")"
rm -rf "$target" && mkdir -p "$(dirname "$target")" && cp -R "$example" "$target"
(
  cd "$target"
  git init -q -b main && git add -A
  git -c user.name=demo -c user.email=demo@example.com commit -q -m "prototype"
)
.venv/bin/scaffold audit "$target" || true   # a prototype is expected to score low
.venv/bin/scaffold init "$target" --defaults
echo
echo "Generated into $target:"
git -C "$target" status --short
