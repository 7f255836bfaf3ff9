"""The container engine seam: one `Engine` protocol, one implementation calling the CLI.

docker and podman take the same arguments for everything `scaffold smoke` does (build,
run, inspect, logs, rm, network), so one implementation serves both. Tests put a
recording fake `docker` executable on the PATH instead (tests/smoke/fake_engine.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from scaffolder.errors import MissingToolError

ENGINES = ("docker", "podman")


@dataclass(frozen=True)
class EngineOutput:
    code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    def first_error_line(self) -> str:
        for text in (self.stderr, self.stdout):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if lines:
                return lines[-1][:300]
        return f"exit code {self.code}"


class Engine(Protocol):
    @property
    def name(self) -> str:
        """The engine's name, docker or podman, as the report shows it."""
        ...

    def call(
        self, args: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None
    ) -> EngineOutput:
        """Run `<engine> <args>`; a timeout is exit code 124, never an exception.

        `env` holds the values of the `-e NAME` arguments: values never go on the command
        line (a user's DATABASE_URL carries a password), the engine reads them from its
        own environment.
        """
        ...


@dataclass(frozen=True)
class CliEngine:
    """docker or podman, called as a program."""

    name: str
    executable: str

    def call(
        self, args: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None
    ) -> EngineOutput:
        environ = {**os.environ, **env} if env else None
        try:
            done = subprocess.run(
                [self.executable, *args],
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                env=environ,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return EngineOutput(124, "", f"{self.name} {args[0]} timed out after {timeout:.0f}s")
        except OSError as exc:
            return EngineOutput(127, "", f"{self.name} could not be started: {exc.strerror}")
        return EngineOutput(done.returncode, done.stdout, done.stderr)


def find_engine(preferred: str | None = None, path: str | None = None) -> CliEngine:
    """docker, else podman, from PATH (or `preferred` only); MissingToolError when neither."""
    names = (preferred,) if preferred else ENGINES
    for name in names:
        found = shutil.which(name, path=path)
        if found:
            return CliEngine(name=name, executable=found)
    wanted = preferred or "docker or podman"
    raise MissingToolError(
        f"scaffold smoke needs a container engine, and {wanted} is not on the PATH.",
        hint=(
            "Install Docker (https://docs.docker.com/get-docker/) or Podman "
            "(https://podman.io/docs/installation), or run the same checks in CI, "
            "where the deploy workflow builds the image."
        ),
    )
