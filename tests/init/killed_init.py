"""A test-only `scaffold init` that SIGKILLs itself at a chosen checkpoint.

    python -m tests.init.killed_init REPO "applied #23"

The point is "<stage>" (the first checkpoint of that name) or "<prefix> #<n>"
(the n-th checkpoint starting with that prefix, e.g. the 23rd file written);
the kill is a real SIGKILL, so no cleanup of any kind runs. Everything else is
the real thing: the inspector, the packaged template, the engine.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from scaffolder.init.engine import InitDeps, InitOptions, run_init
from scaffolder.inspect import inspect_repository


def killer(point: str) -> Callable[[str], None]:
    prefix, _, number = point.partition(" #")
    seen = 0

    def checkpoint(stage: str) -> None:
        nonlocal seen
        if stage == point or (number and stage.startswith(prefix + " ")):
            seen += 1
            if not number or seen == int(number):
                os.kill(os.getpid(), signal.SIGKILL)

    return checkpoint


def main(repo: str, point: str) -> None:
    deps = InitDeps(inspect=inspect_repository, checkpoint=killer(point))
    run_init(Path(repo), InitOptions(), deps)


if __name__ == "__main__":
    main(*sys.argv[1:3])
