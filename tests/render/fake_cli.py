"""A recording fake for the `aws`, `docker` and `skopeo` commands the deploy steps call.

`install(bin_dir, responses)` writes executables that append their argv (and the
content of any file:// argument) to calls.jsonl and print a canned answer chosen
by the longest matching argument prefix; `failures` maps whole command lines to
the exit status they fail with. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

_SCRIPT = """#!{python}
import json, os, sys
from pathlib import Path
here = Path({state!r})
args = sys.argv[1:]
if "--password-stdin" in args:  # like docker login: read what the pipe sends
    sys.stdin.read()
files = {{a: Path(a[7:]).read_text() for a in args if a.startswith("file://")}}
with open(here / "calls.jsonl", "a") as log:
    log.write(json.dumps({{"cmd": {name!r}, "args": args, "files": files}}) + "\\n")
line = " ".join([{name!r}, *args])
failures = json.loads((here / "failures.json").read_text())
if line in failures:
    sys.exit(failures[line])
responses = json.loads((here / "responses.json").read_text())
best = max((k for k in responses if ({name!r} + " " + " ".join(args)).startswith(k)),
           key=len, default=None)
if best is not None:
    answer = responses[best]
    sys.stdout.write(answer if isinstance(answer, str) else json.dumps(answer))
"""


def install(
    bin_dir: Path, responses: dict[str, object], failures: dict[str, int] | None = None
) -> Path:
    """Create fake `aws`, `docker` and `skopeo` in bin_dir; returns the calls.jsonl path."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / "responses.json").write_text(json.dumps(responses))
    (bin_dir / "failures.json").write_text(json.dumps(failures or {}))
    for name in ("aws", "docker", "skopeo"):
        exe = bin_dir / name
        exe.write_text(_SCRIPT.format(python=sys.executable, state=str(bin_dir), name=name))
        exe.chmod(0o755)
    return bin_dir / "calls.jsonl"


def calls(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]
