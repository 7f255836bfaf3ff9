"""A recording fake `docker` executable for `scaffold smoke`.

`install(bin_dir, rules)` writes `<bin_dir>/docker`: each call appends its argv and the
values of the variables its `-e NAME` arguments pass (read from its environment, as the
real engine does) to `<bin_dir>/calls.jsonl`, then answers with the first rule whose
`match` words all appear in argv: `stdout`, `stderr` and `code` (default: exit 0, no
output). Nothing is built or run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

_SCRIPT = """#!{python}
import json, os, sys
from pathlib import Path
here = Path(__file__).resolve().parent
args = sys.argv[1:]
names = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-e" and "=" not in args[i + 1]]
env = {{n: os.environ.get(n) for n in names}}
with open(here / "calls.jsonl", "a", encoding="utf-8") as log:
    log.write(json.dumps({{"args": args, "env": env}}) + "\\n")
for rule in json.loads((here / "rules.json").read_text()):
    if all(word in args for word in rule["match"]):
        sys.stdout.write(rule.get("stdout", ""))
        sys.stderr.write(rule.get("stderr", ""))
        sys.exit(rule.get("code", 0))
"""


def install(bin_dir: Path, rules: list[dict[str, Any]], name: str = "docker") -> Path:
    """Create the fake engine in bin_dir; returns the calls.jsonl path."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / "rules.json").write_text(json.dumps(rules), encoding="utf-8")
    exe = bin_dir / name
    exe.write_text(_SCRIPT.format(python=sys.executable), encoding="utf-8")
    exe.chmod(0o755)
    return bin_dir / "calls.jsonl"


def calls(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
