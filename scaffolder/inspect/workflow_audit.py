"""The repository's own GitHub workflows, audited with zizmor.

`scaffold init` keeps the workflows a repository already has as the user's, so
their weaknesses (actions pinned to a movable tag, `pull_request_target` checking
out the PR's code, `${{ }}` expressions spliced into `run:`, broad default
permissions) ship with the production system. zizmor is the well-kept tool for
exactly this; it runs once, offline, over every such workflow, and each of its
findings becomes a `WorkflowWeakness`. Workflows scaffold itself wrote (recorded in
`.scaffold/context.json` by `scaffolder/init/outputs.py`) are left out: the render
tests already hold them to zizmor. A missing, failing or slow zizmor is a scan
warning, never a crash.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.models import (
    ScanWarning,
    WarningKind,
    WeaknessConfidence,
    WeaknessSeverity,
    WorkflowWeakness,
)

WORKFLOWS_DIR = ".github/workflows"
_CONTEXT_FILE = ".scaffold/context.json"  # scaffolder.init.outputs.CONTEXT_FILE
_TIMEOUT_SECONDS = 60.0
# zizmor's words -> the report's (a dict, so each value keeps its Literal type).
_SEVERITIES: dict[str, WeaknessSeverity] = {
    "high": "high",
    "medium": "medium",
    "low": "low",
    "informational": "informational",
}
_CONFIDENCES: dict[str, WeaknessConfidence] = {"high": "high", "medium": "medium", "low": "low"}

# argv, cwd, timeout -> the finished process (tests pass a fake; the default runs it)
Runner = Callable[[list[str], Path, float], subprocess.CompletedProcess[str]]
# The process started: waiting at most the given seconds -> the finished process.
Collect = Callable[[float], subprocess.CompletedProcess[str]]
# argv, cwd -> the process started now, collected later (`_start` by default).
Starter = Callable[[list[str], Path], Collect]


def _run(argv: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def _start(argv: list[str], cwd: Path) -> Collect:
    # No thread reads it meanwhile: zizmor's report is written at its very end, so a pipe
    # that fills (a large report) only holds up its last write until `collect` drains it.
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def collect(timeout: float) -> subprocess.CompletedProcess[str]:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        return subprocess.CompletedProcess(argv, proc.returncode, out, err)

    return collect


def _starter(runner: Runner) -> Starter:
    """A Runner as a Starter: it runs when collected (tests' fake zizmors are Runners)."""
    return lambda argv, cwd: lambda timeout: runner(argv, cwd, timeout)


def find_zizmor() -> str | None:
    """zizmor installed beside this Python (the wheel's script), else the first on PATH."""
    beside = Path(sys.executable).parent / ("zizmor.exe" if os.name == "nt" else "zizmor")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("zizmor")


def workflow_files(paths: list[str]) -> list[str]:
    """The workflow files GitHub runs: YAML directly inside .github/workflows."""
    prefix = WORKFLOWS_DIR + "/"
    return sorted(
        p
        for p in paths
        if p.startswith(prefix) and "/" not in p[len(prefix) :] and p.endswith((".yml", ".yaml"))
    )


def scaffold_written(root: Path) -> set[str]:
    """Paths scaffold rendered itself: generated, minus those it kept as the user's."""
    try:
        state = json.loads((root / _CONTEXT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(state, dict):
        return set()
    generated = state.get("generated")
    owned = state.get("user_owned")
    ctx = state.get("ctx")
    skipped = ctx.get("skipped") if isinstance(ctx, dict) else None
    keep = set(owned) if isinstance(owned, list) else set()
    keep |= set(skipped) if isinstance(skipped, dict) else set()
    return (
        {str(p) for p in generated if str(p) not in keep} if isinstance(generated, list) else set()
    )


def _primary(locations: list[Any]) -> dict[str, Any]:
    for location in locations:
        if isinstance(location, dict) and location.get("symbolic", {}).get("kind") == "Primary":
            return location
    return locations[0] if locations and isinstance(locations[0], dict) else {}


def _weakness(finding: dict[str, Any]) -> WorkflowWeakness | None:
    location = _primary(finding.get("locations") or [])
    symbolic = location.get("symbolic") or {}
    path = ((symbolic.get("key") or {}).get("Local") or {}).get("verbatim_path")
    if not isinstance(path, str):
        return None
    row = (((location.get("concrete") or {}).get("location") or {}).get("start_point") or {}).get(
        "row"
    )
    determinations = finding.get("determinations") or {}
    severity = str(determinations.get("severity", "")).lower()
    confidence = str(determinations.get("confidence", "")).lower()
    description = str(finding.get("desc") or finding.get("ident") or "")
    annotation = symbolic.get("annotation")
    if isinstance(annotation, str) and annotation and annotation not in description:
        description = f"{description}: {annotation}"
    return WorkflowWeakness(
        ident=str(finding.get("ident") or "unknown"),
        severity=_SEVERITIES.get(severity, "unknown"),
        confidence=_CONFIDENCES.get(confidence, "unknown"),
        path=path.removeprefix("./"),
        line=row + 1 if isinstance(row, int) else None,  # zizmor counts rows from 0
        description=description[:300],
        url=finding.get("url") if isinstance(finding.get("url"), str) else None,
    )


def _warning(message: str, path: str = WORKFLOWS_DIR) -> ScanWarning:
    return ScanWarning(kind=WarningKind.UNREADABLE, path=path, message=message)


def _skipped_inputs(stderr: str) -> list[ScanWarning]:
    # zizmor skips a workflow it cannot parse and says so on stderr.
    return [
        _warning(f"zizmor could not parse a workflow: {line.strip()[:200]}")
        for line in stderr.splitlines()
        if "failed to parse input" in line or "failed to load" in line
    ]


def _parse(
    proc: subprocess.CompletedProcess[str],
) -> tuple[list[WorkflowWeakness], list[ScanWarning]]:
    warnings = _skipped_inputs(proc.stderr or "")
    # 0: nothing found; 10-14: findings, by their highest severity; anything else failed.
    if proc.returncode not in (0, *range(10, 20)):
        tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        failed = f"zizmor failed (exit {proc.returncode}): {tail[0][:200]}"
        return [], [*warnings, _warning(failed)]
    try:
        findings = json.loads(proc.stdout or "[]")
    except ValueError:
        return [], [*warnings, _warning("zizmor printed something other than JSON")]
    out = [
        w
        for f in (findings if isinstance(findings, list) else [])
        if isinstance(f, dict) and not f.get("ignored") and (w := _weakness(f)) is not None
    ]
    out.sort(key=lambda w: (w.path, w.line or 0, w.ident))
    return out, warnings


def audit_workflows(
    root: Path,
    paths: list[str],
    *,
    zizmor: str | None = None,
    runner: Runner = _run,
    timeout: float = _TIMEOUT_SECONDS,
) -> tuple[list[WorkflowWeakness], list[ScanWarning]]:
    """zizmor's findings in the repository's own workflows, and what kept it from running.

    One zizmor process for every file; none at all when there is no workflow to audit.
    """
    wait = start_audit_workflows(
        root, paths, zizmor=zizmor, starter=_starter(runner), timeout=timeout
    )
    return wait()


Audit = tuple[list[WorkflowWeakness], list[ScanWarning]]


def start_audit_workflows(
    root: Path,
    paths: list[str],
    *,
    zizmor: str | None = None,
    starter: Starter = _start,
    timeout: float = _TIMEOUT_SECONDS,
) -> Callable[[], Audit]:
    """`audit_workflows` begun now; the returned function waits for its answer.

    zizmor spends ~150 ms starting up, so it runs while the inspector reads the rest of
    the repository (and, from `start_listed_workflows`, while the audit still loads).
    """
    files = [p for p in workflow_files(paths) if p not in scaffold_written(root)]
    if not files:
        return lambda: ([], [])  # no zizmor at all
    executable = zizmor or find_zizmor()
    if executable is None:
        return lambda: ([], [_warning("zizmor is not installed: the workflows were not audited")])
    argv = [executable, "--offline", "--format", "json", *files]
    deadline = time.monotonic() + timeout
    try:
        collect = starter(argv, root)
    except OSError as exc:
        failed = _warning(f"zizmor could not start: {exc.strerror or exc}")
        return lambda: ([], [failed])

    def wait() -> Audit:
        try:
            proc = collect(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            late = f"zizmor did not finish within {timeout:g} s; workflows not audited"
            return [], [_warning(late)]
        except OSError as exc:
            return [], [_warning(f"zizmor could not start: {exc.strerror or exc}")]
        return _parse(proc)

    return wait


@dataclass
class ListedWorkflows:
    """zizmor under way on `files`, the workflow files a listing of their folder found;
    `wait` gives its answer. The walk decides which files count (ignore rules, links):
    `for_walk` hands this run over only when the walk's selection is the same."""

    root: Path
    files: list[str]
    wait: Callable[[], Audit]

    def for_walk(self, walked_paths: list[str]) -> Callable[[], Audit]:
        if workflow_files(walked_paths) == self.files:
            return self.wait
        return start_audit_workflows(self.root, walked_paths)


def start_listed_workflows(root: Path) -> ListedWorkflows:
    """zizmor started on the workflows that listing `.github/workflows` finds: before the
    walk, and (from the CLI) before most of the audit is even imported."""
    folder = root / WORKFLOWS_DIR
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []  # no such folder (most prototypes), or the walk will report it
    files = workflow_files([f"{WORKFLOWS_DIR}/{name}" for name in names])
    return ListedWorkflows(root=root, files=files, wait=start_audit_workflows(root, files))
