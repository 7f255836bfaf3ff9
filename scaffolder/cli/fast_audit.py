"""`scaffold audit` without Typer, for the invocations people and CI type.

Importing Typer and building the whole command tree costs about 50 ms, a fifth
of a small repository's audit (benchmarks/README.md). `parse` reads the plain
forms of audit's own options (`audit [PATH] [--format F] [--output FILE]
[--fail-under N] [--no-history] [--project DIR] ...`) and answers None for
anything else: help, an unknown or repeated option, a value Typer would check
or reject, `--`. Those go to Typer, which stays the one source of usage errors
and help, so a command line means the same on either path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scaffolder.report_format import ReportFormat

_VALUED = {
    "--project": "project",
    "-C": "project",
    "--format": "fmt",
    "-f": "fmt",
    "--output": "output",
    "-o": "output",
    "--fail-under": "fail_under",
}
_FLAGS = {
    "--no-history": "no_history",
    "--probe-rls": "probe_rls",
    "--write-rls-tests": "write_rls_tests",
}
_FORMATS = {f.value: f for f in ReportFormat}


@dataclass(frozen=True)
class AuditArgs:
    """The keyword arguments of scaffolder.cli.audit_run.run_audit_command."""

    path: Path | None = None
    project: Path | None = None
    fmt: ReportFormat = ReportFormat.TEXT
    output: Path | None = None
    fail_under: int | None = None
    no_history: bool = False
    probe_rls: bool = False
    write_rls_tests: bool = False


def parse(args: list[str]) -> AuditArgs | None:
    """The audit's arguments when `args` is a plain audit command line, else None."""
    if not args or args[0] != "audit":
        return None
    values: dict[str, str] = {}
    flags: set[str] = set()
    path: str | None = None
    rest = iter(args[1:])
    for token in rest:
        name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in _VALUED:
            value = inline if eq else next(rest, None)
            if _VALUED[name] in values or not value or value.startswith("-"):
                return None
            values[_VALUED[name]] = value
        elif token in _FLAGS and token not in flags:
            flags.add(token)
        elif token.startswith("-") or not token or path is not None:
            return None  # --help, an unknown or repeated flag, `--`, a second PATH
        else:
            path = token
    return _checked(path, values, {_FLAGS[f] for f in flags})


def _checked(path: str | None, values: dict[str, str], flags: set[str]) -> AuditArgs | None:
    fmt = _FORMATS.get(values.get("fmt", "text").lower())
    fail_under = values.get("fail_under")
    if fmt is None or (fail_under is not None and not _score(fail_under)):
        return None
    return AuditArgs(
        path=Path(path) if path is not None else None,
        project=Path(values["project"]) if "project" in values else None,
        fmt=fmt,
        output=Path(values["output"]) if "output" in values else None,
        fail_under=int(fail_under) if fail_under is not None else None,
        no_history="no_history" in flags,
        probe_rls="probe_rls" in flags,
        write_rls_tests="write_rls_tests" in flags,
    )


def _score(text: str) -> bool:
    return text.isascii() and text.isdigit() and 0 <= int(text) <= 100
