"""A recording fake `pulumi` executable for testing the Automation API layer.

The real Pulumi CLI cannot be installed on these machines. This fake is a small
Python script installed as `<root>/bin/pulumi`: each call appends its argv, cwd
and the Pulumi-relevant environment to `<root>/calls.jsonl`, then answers from
`<root>/script.json` (canned stdout/stderr/exit code per command, and the engine
events it writes to `--event-log` for preview/up/destroy).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

FAKE_SOURCE = r"""
import json, os, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
argv = sys.argv[1:]
words = [a for a in argv if not a.startswith("-")]
key = " ".join(words[:2]) if words and words[0] in ("stack", "config") else (words[:1] or [""])[0]
env = {k: v for k, v in os.environ.items()
       if k.startswith(("PULUMI_", "AWS_")) and k != "PULUMI_HOME"}
with open(root / "calls.jsonl", "a", encoding="utf-8") as log:
    log.write(json.dumps({"key": key, "argv": argv, "cwd": os.getcwd(), "env": env}) + "\n")
script = json.loads((root / "script.json").read_text())
if key == "version":
    print(script.get("version", "v3.200.0"))
    sys.exit(0)
answer = script.get(key, {})
if "--event-log" in argv:
    # Like the real engine: steps and a summary when it succeeds, a cancel event always.
    path = argv[argv.index("--event-log") + 1]
    events = []
    if answer.get("exit", 0) == 0:
        events = [{"resourcePreEvent": {"metadata": step}} for step in answer.get("steps", [])]
        events.append({"summaryEvent": {"maybeCorrupt": False, "durationSeconds": 1,
                                        "resourceChanges": answer.get("changes", {"same": 1})}})
    events.append({"cancelEvent": {}})
    with open(path, "a", encoding="utf-8") as out:
        for i, event in enumerate(events):
            out.write(json.dumps({"sequence": i, "timestamp": 0, **event}) + "\n")
default_stdout = {
    "stack output": "{}",
    "stack history": json.dumps([{
        "kind": "update", "startTime": "2026-11-22T06:00:00.000Z", "message": "",
        "environment": {}, "config": {}, "result": "succeeded",
        "endTime": "2026-11-22T06:10:00.000Z", "resourceChanges": {"create": 1}}]),
}.get(key, "")
sys.stdout.write(answer.get("stdout", default_stdout))
sys.stderr.write(answer.get("stderr", ""))
sys.exit(answer.get("exit", 0))
"""


class FakePulumi:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin_dir = root / "bin"

    def script(self, answers: dict[str, Any]) -> None:
        (self.root / "script.json").write_text(json.dumps(answers), encoding="utf-8")

    def calls(self) -> list[dict[str, Any]]:
        path = self.root / "calls.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    def commands(self) -> list[str]:
        return [c["key"] for c in self.calls()]

    def call(self, key: str) -> dict[str, Any]:
        found = [c for c in self.calls() if c["key"] == key]
        assert found, f"pulumi {key} was never run; ran: {self.commands()}"
        return found[-1]


def install_fake_pulumi(root: Path, answers: dict[str, Any] | None = None) -> FakePulumi:
    (root / "bin").mkdir(parents=True, exist_ok=True)
    exe = root / "bin" / "pulumi"
    exe.write_text(f"#!{sys.executable}\n{FAKE_SOURCE}", encoding="utf-8")
    exe.chmod(0o755)
    fake = FakePulumi(root)
    fake.script(answers or {})
    return fake


def fake_path(fake: FakePulumi) -> str:
    """PATH with the fake first (and nothing else named pulumi)."""
    return os.pathsep.join([str(fake.bin_dir), os.path.dirname(sys.executable), "/usr/bin", "/bin"])
