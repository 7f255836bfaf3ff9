"""What `scaffold smoke --ci` recorded: each app's CI steps run on the host, with outcomes.

Written to `.scaffold/ci-run.json` by `scaffolder/smoke/ci_replay.py`, read by inspect
(`scaffolder/inspect/recorded.py`) so the audit and init know which steps fail today
(docs/smoke.md, "CI steps on the host"). Plain dataclasses with a hand-written reader:
the audit reads this on every run and a record in the repository is untrusted input.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CI_RUN_FILE = ".scaffold/ci-run.json"
CiStepName = Literal["setup", "install", "lint", "test", "build"]
_STEP_NAMES = ("setup", "install", "lint", "test", "build")


@dataclass
class CiStepOutcome:
    """One `run:` step of the app's generated CI job, as it ran on the host."""

    name: CiStepName
    command: str
    exit_code: int | None  # None: timed out, or could not start
    passed: bool
    first_error: str = ""  # redacted; "" when it passed
    seconds: float = 0.0


@dataclass
class CiAppOutcome:
    app: str
    root: str
    steps: list[CiStepOutcome] = field(default_factory=list)
    # Steps not run because an earlier one they need (setup, install) failed.
    skipped: list[str] = field(default_factory=list)

    def step(self, name: str) -> CiStepOutcome | None:
        return next((s for s in self.steps if s.name == name), None)


@dataclass
class CiRunRecord:
    scaffold_version: str
    commit: str | None  # HEAD when it ran; None outside git
    dirty: bool  # uncommitted changes were in the copy it ran
    started_at: str  # ISO 8601, UTC
    finished_at: str
    step_timeout_s: float
    apps: list[CiAppOutcome] = field(default_factory=list)

    def app(self, name: str) -> CiAppOutcome | None:
        return next((a for a in self.apps if a.app == name), None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


@dataclass
class RecordedCiRun:
    """A record found in the repository, and whether the code changed since it ran."""

    path: str
    record: CiRunRecord
    # The commit it ran at differs from HEAD outside .scaffold/ (or cannot be compared).
    stale: bool = False
    head: str | None = None


def _str(data: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} is not a string")
    return value


def _step(data: Any) -> CiStepOutcome:
    if not isinstance(data, dict) or data.get("name") not in _STEP_NAMES:
        raise ValueError("a step without a known name")
    code = data.get("exit_code")
    if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
        raise ValueError("exit_code is not a number")
    seconds = data.get("seconds", 0.0)
    return CiStepOutcome(
        name=data["name"],
        command=_str(data, "command"),
        exit_code=code,
        passed=data.get("passed") is True and code == 0,
        first_error=str(data.get("first_error") or "")[:300],
        seconds=float(seconds) if isinstance(seconds, int | float) else 0.0,
    )


def _app(data: Any) -> CiAppOutcome:
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ValueError("an app without steps")
    skipped = data.get("skipped") or []
    return CiAppOutcome(
        app=_str(data, "app"),
        root=_str(data, "root"),
        steps=[_step(s) for s in data["steps"]],
        skipped=[str(s) for s in skipped] if isinstance(skipped, list) else [],
    )


def parse_ci_run(text: str) -> CiRunRecord:
    """The record in `text`; ValueError when it is not one."""
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc
    if not isinstance(data, dict) or not isinstance(data.get("apps"), list):
        raise ValueError("no apps in it")
    timeout = data.get("step_timeout_s", 0.0)
    return CiRunRecord(
        scaffold_version=_str(data, "scaffold_version"),
        commit=_str(data, "commit", optional=True),
        dirty=data.get("dirty") is True,
        started_at=_str(data, "started_at"),
        finished_at=_str(data, "finished_at"),
        step_timeout_s=float(timeout) if isinstance(timeout, int | float) else 0.0,
        apps=[_app(a) for a in data["apps"]],
    )
