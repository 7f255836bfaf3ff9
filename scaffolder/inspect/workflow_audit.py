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
import threading
from collections.abc import Callable
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


def _run(argv: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


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
    files = [p for p in workflow_files(paths) if p not in scaffold_written(root)]
    if not files:
        return [], []
    executable = zizmor or find_zizmor()
    if executable is None:
        return [], [_warning("zizmor is not installed: the workflows were not audited")]
    argv = [executable, "--offline", "--format", "json", *files]
    try:
        proc = runner(argv, root, timeout)
    except subprocess.TimeoutExpired:
        return [], [_warning(f"zizmor did not finish within {timeout:g} s; workflows not audited")]
    except OSError as exc:
        return [], [_warning(f"zizmor could not start: {exc.strerror or exc}")]
    return _parse(proc)


Audit = tuple[list[WorkflowWeakness], list[ScanWarning]]


def start_audit_workflows(root: Path, paths: list[str]) -> Callable[[], Audit]:
    """Run `audit_workflows` in a thread; the returned function waits for its result.

    zizmor spends most of its wall time waiting, so it runs while the inspector reads
    the rest of the repository. The waiting function re-raises what the thread raised.
    """
    if not workflow_files(paths):
        return lambda: ([], [])  # no thread, no zizmor
    outcome: list[Audit | BaseException] = []

    def work() -> None:
        try:
            outcome.append(audit_workflows(root, paths))
        except Exception as exc:  # handed to the caller, which reports it as a warning
            outcome.append(exc)

    thread = threading.Thread(target=work, name="zizmor", daemon=True)
    thread.start()

    def wait() -> Audit:
        thread.join()
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result

    return wait
