"""A small ECS client seam over moto's, for `--in-task` (ops/backup/task.py).

moto runs tasks nowhere: they move to STOPPED as they are described, with exit
code 0. `ScriptedEcs` plays the container: the first time moto reports a task
STOPPED, `container(command)` runs (it may do what the real task does, such as
publish a report where the command says) and its exit code is reported. It can
also refuse to start a task (capacity) or keep one running until it is stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The container: given the command ECS was told to run, do its work, return an exit code.
Container = Callable[[list[str]], int | None]


@dataclass
class ScriptedEcs:
    """moto's ECS client, playing the container the moment moto reports STOPPED."""

    real: Any
    container: Container
    start_failures: list[dict[str, str]] = field(default_factory=list)
    never_stops: bool = False
    stopped_reason: str = ""
    runs: list[dict[str, Any]] = field(default_factory=list)
    stops: list[str] = field(default_factory=list)
    exit_codes: dict[str, int | None] = field(default_factory=dict)

    def run_task(self, **params: Any) -> dict[str, Any]:
        self.runs.append(params)
        if self.start_failures:
            return {"tasks": [], "failures": self.start_failures}
        response: dict[str, Any] = self.real.run_task(**params)
        return response

    def describe_tasks(self, **params: Any) -> dict[str, Any]:
        response: dict[str, Any] = self.real.describe_tasks(**params)
        for task in response["tasks"]:
            arn = task["taskArn"]
            if self.never_stops and arn not in self.stops:
                task["lastStatus"] = "RUNNING"
            elif task["lastStatus"] == "STOPPED":
                if arn not in self.exit_codes:
                    (override,) = task["overrides"]["containerOverrides"]
                    self.exit_codes[arn] = self.container(override["command"])
                for container in task["containers"]:
                    container["exitCode"] = self.exit_codes[arn]
                    if self.exit_codes[arn] is None:
                        container.pop("exitCode")
                task["stoppedReason"] = self.stopped_reason or task.get("stoppedReason", "")
                task["stopCode"] = "EssentialContainerExited"
        return response

    def stop_task(self, **params: Any) -> dict[str, Any]:
        self.stops.append(params["task"])
        response: dict[str, Any] = self.real.stop_task(**params)
        return response


class TaskProvider:
    """Another provider's clients (moto's, or a role's); ECS through the scripted seam."""

    def __init__(self, clients: Any, ecs: ScriptedEcs) -> None:
        self.region: str = clients.region
        self._clients = clients
        self.ecs = ecs

    def client(self, service: str) -> Any:
        return self.ecs if service == "ecs" else self._clients.client(service)
