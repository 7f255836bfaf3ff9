"""Run the installed `scaffold init --defaults` on a repository, as a user would."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.render import validators


def scaffold_init(repo: Path, *data: str) -> None:
    """`scaffold init REPO --defaults [--data KEY=VALUE]...`; fails the test on a non-zero exit."""
    args = [a for item in data for a in ("--data", item)]
    proc = subprocess.run(
        [str(validators.BIN / "scaffold"), "init", str(repo), "--defaults", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
