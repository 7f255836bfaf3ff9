"""Check that a change to the audit leaves its reports unchanged (see README.md).

    .venv/bin/python benchmarks/same_reports.py save /tmp/before   # on the old code
    .venv/bin/python benchmarks/same_reports.py check /tmp/before  # on the new code

Runs `scaffold audit DIR --format json` (history included) on every fixture
prototype (materialized with its git history, tests/support/prototypes.py) and
on every real repository of benchmarks/real-prototypes.txt (the clones that
bench_vs_gitleaks.py keeps in ~/.cache/scaffold-bench/real), and saves the
reports, or compares them with the saved ones. Only the temporary folder a
fixture was materialized in is replaced (by `<root>`); everything else,
historic secrets' commit, path and line included, must be identical, and so
must the report's bytes (key order, spacing, escapes).
Exit 1 on any difference, listing the reports and the first differing keys.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_vs_gitleaks import CACHE, LIST, SCAFFOLD, read_list  # noqa: E402
from tests.support.prototypes import fixture_names, materialize  # noqa: E402


def audit(repo: Path) -> str:
    """The JSON report's text, the repository's folder replaced by `<root>`."""
    out = subprocess.run(
        [SCAFFOLD, "audit", str(repo), "--format", "json"], capture_output=True, check=False
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"audit of {repo} exited {out.returncode}: {out.stderr[-500:]!r}")
    return out.stdout.decode().replace(str(repo), "<root>")


def reports(cache: Path) -> Iterator[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        for name in fixture_names():
            yield f"fixture-{name}", audit(materialize(name, Path(tmp) / name))
    for target in read_list(LIST):
        repo = cache / target.repo.replace("/", "+")
        if (repo / ".git").is_dir():
            yield f"real-{target.repo.replace('/', '+')}", audit(repo)
        else:
            print(f"  {target.repo}: no clone in {cache} (run bench_vs_gitleaks.py)")


def differences(old: Any, new: Any, where: str = "") -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            yield from differences(old.get(key), new.get(key), f"{where}.{key}")
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from differences(a, b, f"{where}[{i}]")
    elif old != new:
        yield f"{where}: {json.dumps(old)[:160]} -> {json.dumps(new)[:160]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("save", "check"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cache", type=Path, default=CACHE, help="the real repositories' clones")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    changed = 0
    for name, text in reports(args.cache):
        saved = args.folder / f"{name}.json"
        raw = args.folder / f"{name}.raw"
        report = json.loads(text)
        if args.mode == "save":
            saved.write_text(json.dumps(report, indent=1, sort_keys=True))
            raw.write_text(text)
            continue
        diff = list(differences(json.loads(saved.read_text()), report))
        # The report's bytes too (key order, spacing, escapes), when they were saved.
        if not diff and raw.is_file() and raw.read_text() != text:
            diff = ["the same data, but different bytes (key order, spacing or escapes)"]
        changed += bool(diff)
        print(f"{'DIFFERENT' if diff else 'same':9} {name}")
        for line in diff[:8]:
            print(f"    {line}")
    if changed:
        raise SystemExit(f"{changed} reports differ")


if __name__ == "__main__":
    main()
