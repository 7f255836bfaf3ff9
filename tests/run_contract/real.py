"""The run contract on the public prototypes of benchmarks/real-prototypes.txt.

    bash scripts/run-contract.sh --real [--only NAME] [--json OUT]

Each snapshot (/work/.mirror/<owner>+<name>/repo, fetched beforehand, never committed)
is cloned into a temp folder at its pinned commit, then run as tests/run_contract does.
One block per prototype (every step, its exit code, first error line, seconds), then a
table of outcomes. Exit 0 always: the outcomes are the record (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from tests.run_contract.engine import run_contract
from tests.run_contract.models import ContractResult

REPO = Path(__file__).resolve().parents[2]
LIST = REPO / "benchmarks" / "real-prototypes.txt"
MIRROR = Path("/work/.mirror")


def prototypes() -> list[tuple[str, str]]:
    rows = []
    for line in LIST.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) == 2:
            rows.append((words[0], words[1]))
    return rows


def checkout(repo: str, commit: str, dest: Path) -> str:
    source = MIRROR / repo.replace("/", "+") / "repo"
    if not source.is_dir():
        return f"no snapshot at {source}"
    for step in (
        ["git", "clone", "-q", "--no-checkout", str(source), str(dest)],
        ["git", "-C", str(dest), "checkout", "-q", "-B", "main", commit],
        ["git", "-C", str(dest), "remote", "set-url", "origin", f"https://github.com/{repo}.git"],
    ):
        done = subprocess.run(step, capture_output=True, text=True, check=False, timeout=300)
        if done.returncode != 0:
            return done.stderr.strip()[-300:]
    return ""


def outcome(result: ContractResult) -> str:
    if result.init_exit != 0:
        return f"init exit {result.init_exit}: {result.init_error}"
    parts = []
    for app in result.apps:
        failed = app.failed()
        if app.passed and not failed:
            parts.append(f"{app.app}: {'static output' if app.shape == 'static' else 'health 200'}")
        else:
            first = failed[0] if failed else None
            why = (
                f"{first.phase}/{first.name} `{first.command[:60]}`: {first.first_error}"
                if first
                else f"health {app.health_status}"
            )
            parts.append(f"{app.app}: FAILED {why}")
    return "; ".join(parts) or "no apps"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    records = []
    for repo, commit in prototypes():
        if args.only and args.only.lower() not in repo.lower():
            continue
        work = Path(tempfile.mkdtemp(prefix="scaffold-rc-real-"))
        started = time.monotonic()
        try:
            why = checkout(repo, commit, work / "repo")
            result = (
                ContractResult(repo, -1, why) if why else run_contract(work / "repo", work / "run")
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        seconds = time.monotonic() - started
        print(f"== {repo} ({seconds:.0f}s)\n{result.summary()}\n", flush=True)
        records.append(
            {
                "repo": repo,
                "seconds": round(seconds),
                "outcome": outcome(result),
                "result": asdict(result),
            }
        )
    print("| prototype | seconds | outcome |\n|---|---|---|")
    for r in records:
        print(f"| {r['repo']} | {r['seconds']} | {r['outcome']} |")
    if args.json:
        args.json.write_text(json.dumps(records, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
