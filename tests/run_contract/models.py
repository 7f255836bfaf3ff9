"""Typed results of one run-contract run: per app, the steps with their outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Step:
    """One command run as the image or the CI job runs it."""

    phase: str  # "image", "ci", "database", "migrate", "start", "health", "output"
    name: str  # "install", "build", "prune", "lint", "RUN 2", "/healthz"...
    command: str
    exit_code: int | None  # None: not a process (a check), or timed out
    seconds: float
    first_error: str = ""
    blocking: bool = True  # lint is recorded but never fails the contract

    @property
    def passed(self) -> bool:
        return self.exit_code == 0


@dataclass
class AppRun:
    app: str
    shape: str  # "server", "static"
    language: str
    steps: list[Step] = field(default_factory=list)
    health_status: int | None = None  # the HTTP status of the health path, when one answered
    output_index: bool | None = None  # static: the output folder holds an index.html

    def failed(self, phase: str | None = None) -> list[Step]:
        return [
            s
            for s in self.steps
            if s.blocking and not s.passed and (phase is None or s.phase == phase)
        ]

    def step(self, phase: str, name: str) -> Step | None:
        return next((s for s in self.steps if s.phase == phase and s.name == name), None)

    @property
    def passed(self) -> bool:
        if self.shape == "static":
            return bool(self.output_index) and not self.failed("image")
        return self.health_status == 200 and not self.failed()


@dataclass
class ContractResult:
    repo: str
    init_exit: int
    init_error: str = ""
    database: str = "none"
    apps: list[AppRun] = field(default_factory=list)
    seconds: float = 0.0

    def app(self, name: str) -> AppRun:
        return next(a for a in self.apps if a.app == name)

    def summary(self) -> str:
        """One line per step, for assertion messages and the benchmark record."""
        lines = [f"init exit {self.init_exit} {self.init_error}".rstrip()]
        for app in self.apps:
            lines.append(f"[{app.app}] {app.shape} health={app.health_status}")
            for s in app.steps:
                mark = "ok" if s.passed else ("FAIL" if s.blocking else "fail (non-blocking)")
                err = f" :: {s.first_error}" if s.first_error and not s.passed else ""
                lines.append(
                    f"  {s.phase}/{s.name} [{mark} {s.exit_code} {s.seconds:.1f}s] {s.command}{err}"
                )
        return "\n".join(lines)
