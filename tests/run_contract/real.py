"""The run contract on the public prototypes of benchmarks/real-prototypes.txt.

    bash scripts/run-contract.sh --real [--list FILE] [--only NAME[,NAME...]]
        [--json OUT] [--markdown OUT] [--record-ci]

--list takes another list in the same format (benchmarks/unseen-prototypes.txt: the
prototypes scaffold was not tuned for); the default is benchmarks/real-prototypes.txt.

Each snapshot (/work/.mirror/<owner>+<name>/repo, fetched beforehand, never committed)
is cloned into a temp folder at its pinned commit, then run as tests/run_contract does.
One block per prototype (every step, its exit code, first error line, seconds), then a
table of outcomes. Exit 0 always: the outcomes are the record (benchmarks/README.md).

--record-ci does what a user does before: `scaffold init`, commit, `scaffold smoke --ci`
(its record, `.scaffold/ci-run.json`), commit; the run's own init is then an update that
reads the record, so a test step that fails today is replayed as non-blocking.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tests.run_contract.engine import SCAFFOLD, run_contract
from tests.run_contract.models import AppRun, ContractResult, Step

REPO = Path(__file__).resolve().parents[2]
LIST = REPO / "benchmarks" / "real-prototypes.txt"
MIRROR = Path("/work/.mirror")


def prototypes(listing: Path = LIST) -> list[tuple[str, str]]:
    rows = []
    for line in listing.read_text().splitlines():
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
    return _drop_missing_blobs(dest)


def _drop_missing_blobs(dest: Path) -> str:
    """A snapshot may lack its largest files (a video, a data file): checkout leaves them
    out, and init would refuse the dirty tree. Commit their removal, as a clone without
    them would look; the run's record names them."""
    # -z: a path with a space is not quoted ("code3 2/mbox.txt" in a Replit snapshot)
    status = ["git", "-C", str(dest), "status", "--porcelain", "-z", "--no-renames"]
    lines = subprocess.run(status, capture_output=True, text=True, check=True).stdout
    missing = [line[3:] for line in lines.split("\0") if line.startswith(" D ")]
    if not missing:
        return ""
    subprocess.run(["git", "-C", str(dest), "rm", "-q", "--cached", "--", *missing], check=True)
    who = ["-c", "user.name=run-contract", "-c", "user.email=run-contract@localhost"]
    commit = ["git", "-C", str(dest), *who, "commit", "-qm", "snapshot without large files"]
    subprocess.run(commit, check=True, capture_output=True)
    print(f"   (snapshot lacks {len(missing)} large file(s): {', '.join(missing)[:200]})")
    return ""


_WHO = ["-c", "user.name=run-contract", "-c", "user.email=run-contract@localhost"]


def record_ci(repo: Path) -> str:
    """init, commit, `scaffold smoke --ci`, commit: what smoke --ci printed ("" on success),
    or why it could not run."""

    def run(*argv: str, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=repo, capture_output=True, text=True, check=False,
                              timeout=timeout)  # fmt: skip

    init = run(str(SCAFFOLD), "init", ".", "--defaults", timeout=300)
    if init.returncode != 0:
        return f"init exit {init.returncode}: {init.stderr.strip()[-300:]}"
    run("git", "add", "-A")
    run("git", *_WHO, "commit", "-qm", "scaffold init")
    smoke = run(str(SCAFFOLD), "smoke", "--ci", ".")
    run("git", "add", "-A")
    run("git", *_WHO, "commit", "-qm", "scaffold smoke --ci")
    audit = run(str(SCAFFOLD), "audit", ".", "--no-history", timeout=300)
    findings = [line.strip() for line in audit.stdout.splitlines() if "at:" in line and
                ("smoke --ci" in line)]  # fmt: skip
    return "\n".join([f"smoke --ci exit {smoke.returncode}", smoke.stdout.rstrip(), *findings])


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


_PHASES = ("install", "build", "migrate", "serve", "ci")


def _phase(step: Step) -> str | None:
    """Which column of the results table a step belongs to."""
    if step.phase == "ci":
        return "ci"
    if step.phase in ("start", "health", "output"):
        return "serve"
    if step.phase == "migrate":
        return "migrate" if step.name == "migrate" else "build"
    if step.phase == "image":
        text = f"{step.name} {step.command}"
        return (
            "build" if "build" in text or "prune" in text or "collectstatic" in text else "install"
        )
    return None


def phase_cells(app: AppRun) -> dict[str, str]:
    """Per column: pass, reported (non-blocking), FAIL: <first error>, or - (not run)."""
    cells = dict.fromkeys(_PHASES, "-")
    for step in app.steps:
        column = _phase(step)
        if column is None or cells[column].startswith("FAIL"):
            continue
        if step.passed:
            cells[column] = "pass" if cells[column] == "-" else cells[column]
        elif not step.blocking:
            cells[column] = "reported (non-blocking)"
        else:
            cells[column] = f"FAIL `{step.command[:50]}`: {step.first_error[:140]}"
    if app.shape == "server" and app.health_status not in (None, 200):
        cells["serve"] = f"FAIL health {app.health_status}"
    return cells


def markdown(records: list[dict[str, Any]]) -> str:
    """One row per app: the columns of phase_cells (benchmarks/real-run-contract.md)."""
    rows = ["| prototype | app | shape | " + " | ".join(_PHASES) + " |"]
    rows.append("|---" * (len(_PHASES) + 3) + "|")
    for record in records:
        result = record["contract"]
        if result.init_exit != 0:
            rows.append(f"| {record['repo']} | - | - | init exit {result.init_exit}: "
                        f"{result.init_error[:120]} |" + " |" * (len(_PHASES) - 1))  # fmt: skip
            continue
        for app in result.apps:
            cells = phase_cells(app)
            line = " | ".join(cells[p].replace("|", "/") for p in _PHASES)
            rows.append(f"| {record['repo']} | {app.app} | {app.shape} | {line} |")
    return re.sub(r"/tmp/scaffold-rc-real-\w+/", "<tmp>/", "\n".join(rows))


def from_json(path: Path) -> list[dict[str, Any]]:
    """The records a `--json` run wrote, with their typed results back."""
    records: list[dict[str, Any]] = json.loads(path.read_text())
    for record in records:
        raw = dict(record["result"])
        apps = [AppRun(**{**a, "steps": [Step(**s) for s in a["steps"]]}) for a in raw.pop("apps")]
        record["contract"] = ContractResult(**raw, apps=apps)
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--list", type=Path, default=LIST, help="owner/name commit per line")
    parser.add_argument("--only", default="")
    parser.add_argument("--record-ci", action="store_true", help="scaffold smoke --ci first")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path, help="write the per-phase table here")
    parser.add_argument(
        "--from-json", type=Path, help="only turn an earlier --json into --markdown"
    )
    args = parser.parse_args()
    if args.from_json and args.markdown:
        args.markdown.write_text(markdown(from_json(args.from_json)) + "\n")
        return 0
    records = []
    for repo, commit in prototypes(args.list):
        wanted = [name.lower() for name in args.only.split(",") if name]
        if wanted and not any(name in repo.lower() for name in wanted):
            continue
        work = Path(tempfile.mkdtemp(prefix="scaffold-rc-real-"))
        started = time.monotonic()
        try:
            why = checkout(repo, commit, work / "repo")
            if not why and args.record_ci:
                print(f"== {repo}: scaffold smoke --ci\n{record_ci(work / 'repo')}\n", flush=True)
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
                "contract": result,
            }
        )
    print("| prototype | seconds | outcome |\n|---|---|---|")
    for r in records:
        print(f"| {r['repo']} | {r['seconds']} | {r['outcome']} |")
    if args.markdown:
        args.markdown.write_text(markdown(records) + "\n")
    if args.json:
        plain = [{k: v for k, v in r.items() if k != "contract"} for r in records]
        args.json.write_text(json.dumps(plain, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
