"""Benchmark `scaffold audit` against `detect-secrets scan` (see benchmarks/README.md).

    .venv/bin/python benchmarks/bench_audit.py                       # full size
    .venv/bin/python benchmarks/bench_audit.py --files 500 --mb 5 --node-modules 500 --commits 20

Builds a synthetic repository (tracked files, an ignored node_modules, a
history with planted secrets, half of them deleted from the tree), then times
both tools as subprocesses, N runs each, and prints medians and the ratio. It
also measures recall of both tools on the planted secrets and on the fixture
prototypes' expected secrets, and `scaffold --help` wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.synthetic import Synthetic, build  # noqa: E402

BIN = Path(sys.executable).parent
SCAFFOLD = str(BIN / "scaffold")
DETECT_SECRETS = str(BIN / "detect-secrets")

Hit = tuple[str, int]  # (path, line)


def timed(
    cmd: Sequence[str], cwd: Path | None = None, ok: Sequence[int] = (0,)
) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.stderr.write(proc.stderr[-2000:])
        raise SystemExit(f"{cmd[0]} exited {proc.returncode}")
    return elapsed, proc.stdout


def audit(root: Path) -> tuple[float, set[Hit]]:
    # Exit 1 means "the score is under --fail-under"; not an error here.
    elapsed, out = timed([SCAFFOLD, "audit", str(root), "--format", "json"], ok=(0, 1))
    secrets = json.loads(out)["facts"]["secrets"]
    return elapsed, {(s["path"], s["line"]) for s in secrets}


def detect_secrets(root: Path) -> tuple[float, set[Hit]]:
    # Its default mode, as users run it: the files git tracks, from the repository root.
    elapsed, out = timed([DETECT_SECRETS, "scan"], cwd=root)
    results = json.loads(out)["results"]
    return elapsed, {(path, s["line_number"]) for path, hits in results.items() for s in hits}


def medians(runs: int, fn: Any, *args: Any) -> tuple[float, list[float], Any]:
    times, last = [], None
    for _ in range(runs):
        elapsed, last = fn(*args)
        times.append(elapsed)
    return statistics.median(times), times, last


def help_time(runs: int) -> float:
    return statistics.median(timed([SCAFFOLD, "--help"])[0] for _ in range(runs))


def matched(path: str, line: int | None, found: set[Hit]) -> bool:
    """A hit at that path and line; any line when the expectation names none."""
    if line is not None:
        return (path, line) in found
    return any(p == path for p, _ in found)


def recall(expected: list[Hit], found: set[Hit]) -> tuple[int, int]:
    return sum(1 for hit in expected if hit in found), len(expected)


def fixtures_recall() -> dict[str, Any]:
    from tests.support.prototypes import fixture_names, load_expectations, materialize

    totals: dict[str, list[int]] = {
        "audit": [0, 0],
        "detect-secrets": [0, 0],
        "audit_tree": [0, 0],
        "detect-secrets_tree": [0, 0],
        "audit_fp": [0, 0],
        "detect-secrets_fp": [0, 0],
    }
    misses: dict[str, list[str]] = {"audit": [], "detect-secrets": []}
    with tempfile.TemporaryDirectory() as tmp:
        for name in fixture_names():
            exp = load_expectations(name)
            if not exp.get("secrets") and not exp.get("not_secrets"):
                continue
            repo = materialize(name, Path(tmp) / name)
            found = {"audit": audit(repo)[1], "detect-secrets": detect_secrets(repo)[1]}
            for want in exp.get("secrets", []):
                hit = (want["path"], want.get("line"))
                tree = want.get("in_working_tree", True)
                for tool, hits in found.items():
                    got = matched(hit[0], hit[1], hits)
                    totals[tool][0] += got
                    totals[tool][1] += 1
                    if tree:
                        totals[f"{tool}_tree"][0] += got
                        totals[f"{tool}_tree"][1] += 1
                    if not got:
                        misses[tool].append(f"{name}:{hit[0]}:{hit[1]} ({want.get('detector')})")
            for bad in exp.get("not_secrets", []):
                for tool, hits in found.items():
                    totals[f"{tool}_fp"][0] += matched(bad["path"], bad.get("line"), hits)
                    totals[f"{tool}_fp"][1] += 1
    return {"totals": totals, "misses": misses}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git = subprocess.run(["git", "--version"], check=False, capture_output=True, text=True)

    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {git.stdout.strip()}"
    )


def pct(pair: Sequence[int]) -> str:
    return f"{pair[0]}/{pair[1]} ({100 * pair[0] / pair[1]:.0f}%)" if pair[1] else "n/a"


def report(syn: Synthetic, build_s: float, res: dict[str, Any]) -> None:
    print(f"\n# scaffold audit vs detect-secrets, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    print(
        f"repository: {syn.tracked_files} tracked files, {syn.tracked_bytes / 1e6:.0f} MB, "
        f"{syn.ignored_files} ignored node_modules files, {syn.commits} commits, "
        f"{len(syn.planted)} planted secrets ({sum(p.history_only for p in syn.planted)} only "
        f"in history); built in {build_s:.0f} s"
    )
    a, d = res["audit"], res["detect-secrets"]
    print(f"scaffold --help          median {res['help']:.3f} s")
    print(f"scaffold audit           median {a[0]:.2f} s  runs {[round(t, 2) for t in a[1]]}")
    print(f"detect-secrets scan      median {d[0]:.2f} s  runs {[round(t, 2) for t in d[1]]}")
    print(f"ratio (detect-secrets / audit): {d[0] / a[0]:.1f}x")
    planted = [(p.path, p.line) for p in syn.planted]
    tree = [(p.path, p.line) for p in syn.planted if not p.history_only]
    for tool, hits in (("audit", a[2]), ("detect-secrets", d[2])):
        print(
            f"planted recall {tool:15s} all {pct(recall(planted, hits))}, "
            f"working tree {pct(recall(tree, hits))}, total findings {len(hits)}"
        )
    sys.stdout.flush()


def report_fixtures(fixtures: dict[str, Any] | None) -> None:
    if fixtures:
        t = fixtures["totals"]
        for tool in ("audit", "detect-secrets"):
            print(
                f"fixture recall {tool:15s} all {pct(t[tool])}, "
                f"working tree {pct(t[tool + '_tree'])}, "
                f"not_secrets reported {pct(t[tool + '_fp'])}"
            )
        for tool, missed in fixtures["misses"].items():
            print(f"  missed by {tool}: {', '.join(missed) or 'none'}")


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--files", type=int, default=20_000, help="tracked files (default 20000)")
    p.add_argument("--mb", type=int, default=300, help="MB of tracked text (default 300)")
    p.add_argument("--node-modules", type=int, default=50_000, help="ignored node_modules files")
    p.add_argument("--commits", type=int, default=300, help="commits of history (default 300)")
    p.add_argument("--runs", type=int, default=3, help="timed runs of each tool (default 3)")
    p.add_argument(
        "--ds-runs", type=int, default=None, help="runs of detect-secrets (default --runs)"
    )
    p.add_argument("--no-fixtures", action="store_true", help="skip the fixture recall part")
    p.add_argument("--keep", type=Path, default=None, help="build here and keep the repository")
    p.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = p.parse_args(argv)

    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-audit-")) / "repo"
    try:
        start = time.perf_counter()
        syn = build(
            base, files=args.files, megabytes=args.mb, node_modules=args.node_modules,
            commits=args.commits,
        )  # fmt: skip
        build_s = time.perf_counter() - start
        audit(base)  # warm the page cache for both tools alike
        res = {
            "help": help_time(args.runs),
            "audit": medians(args.runs, audit, base),
            "detect-secrets": medians(args.ds_runs or args.runs, detect_secrets, base),
        }
        report(syn, build_s, res)  # before the fixture part, so a failure there loses nothing
        fixtures = None if args.no_fixtures else fixtures_recall()
        report_fixtures(fixtures)
        if args.json:
            payload = {
                "when": datetime.now(UTC).isoformat(),
                "machine": machine(),
                "repository": {
                    "files": syn.tracked_files,
                    "bytes": syn.tracked_bytes,
                    "ignored_files": syn.ignored_files,
                    "commits": syn.commits,
                    "planted": len(syn.planted),
                },
                "help_median_s": res["help"],
                "audit_runs_s": res["audit"][1],
                "detect_secrets_runs_s": res["detect-secrets"][1],
                "fixtures": fixtures,
            }
            args.json.write_text(json.dumps(payload, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(base.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
