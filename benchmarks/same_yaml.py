"""Check that libyaml (inspect/yaml12.py) reads YAML files as ruamel.yaml does.

    .venv/bin/python benchmarks/same_yaml.py tests/fixtures templates ~/.cache/scaffold-bench/real
    .venv/bin/python benchmarks/same_yaml.py --git /work/.mirror/*/repo   # every version in history

Every `.yml`/`.yaml` file under the folders given (or, with `--git`, every version
of one that a repository's history holds) is read both ways: `yaml12.load` and
ruamel.yaml's `YAML(typ="safe", pure=True)`, as inspect/ci.py reads workflows and
compose files. A file libyaml reads must give the same document: the same types
(True is not 1, 1.0 is not 1), the same key order, the same values (NaN equal to
NaN). A file it leaves (UNREAD) is read by ruamel.yaml, so it is counted, not
compared. Exit 1 on any difference, listing the files.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from scaffolder.inspect.yaml12 import UNREAD, load  # noqa: E402
from tests.support.same_data import same  # noqa: E402

SUFFIXES = (".yml", ".yaml")
SKIP_DIRS = {".git", "node_modules", ".venv", "__pycache__"}


def files_in(folder: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(folder.rglob("*")):
        if path.suffix in SUFFIXES and path.is_file() and not SKIP_DIRS & set(path.parts):
            yield str(path), path.read_bytes().decode("utf-8", "replace")


def versions_in(git_dir: Path) -> Iterator[tuple[str, str]]:
    """Every distinct blob of a YAML path in the repository's history."""
    listing = subprocess.run(
        [
            "git",
            "-C",
            str(git_dir),
            "log",
            "--all",
            "--format=",
            "--raw",
            "--no-abbrev",
            "--no-renames",
        ],
        capture_output=True,
        text=True,
        check=False,  # a snapshot may lack an object: take the versions listed before it
    ).stdout
    blobs: dict[str, str] = {}
    for line in listing.splitlines():
        meta, _, path = line.partition("\t")
        fields = meta.split()
        if len(fields) >= 5 and path.endswith(SUFFIXES) and set(fields[3]) != {"0"}:
            blobs.setdefault(fields[3], path)
    for sha, path in blobs.items():
        blob = subprocess.run(
            ["git", "-C", str(git_dir), "cat-file", "blob", sha], capture_output=True, check=False
        )
        if blob.returncode == 0:
            yield f"{git_dir}:{path}@{sha[:10]}", blob.stdout.decode("utf-8", "replace")


def ruamel(text: str) -> tuple[str, Any]:
    from ruamel.yaml import YAML

    try:
        return "ok", YAML(typ="safe", pure=True).load(text)
    except RecursionError:
        return "error", None
    except Exception as exc:  # what ruamel refuses, libyaml must not read
        return "error", type(exc).__name__


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--git", action="store_true", help="read every version in git history")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    differ: list[str] = []
    for folder in args.folders:
        found = versions_in(folder) if args.git else files_in(folder.expanduser())
        for name, text in found:
            fast = load(text)
            outcome, data = ruamel(text)
            if fast is UNREAD:
                verdict = "it parses" if outcome == "ok" else "it fails"
                counts[f"left to ruamel.yaml ({verdict})"] += 1
            elif outcome == "ok" and same(fast, data):
                counts["read by libyaml, same document"] += 1
            else:
                counts["DIFFERENT"] += 1
                differ.append(f"{name}: ruamel {outcome} {str(data)[:200]}")
    for what, n in sorted(counts.items()):
        print(f"{n:6d}  {what}")
    for line in differ:
        print("  differs:", line)
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
