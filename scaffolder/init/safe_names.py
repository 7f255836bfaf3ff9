"""Refuse repository text that would be code once it lands in a generated file.

Folder names, package names, script commands and env var names from the
repository are written into workflows, Dockerfiles and YAML. The templates
quote them for the shell (`shq`) and YAML (`tojson`), but two things no quoting
stops: GitHub evaluates `${{ ... }}` anywhere in a workflow before any shell
runs (in `run:`, `working-directory:`, step names), so a folder named
`${{ secrets.AWS_KEY }}` would leak a secret to the log; and a line break in a
name ends a Dockerfile comment or a YAML scalar, so the rest of the name becomes
an instruction. Such names are refused before anything is written.
"""

from __future__ import annotations

import re
from typing import Any

from scaffolder.display import printable
from scaffolder.errors import InputError
from scaffolder.models import InitContext

EXPRESSION_OPENER = "${{"
# Commands may span lines (a Procfile's multi-line start); other text may not.
MULTILINE_FIELDS = {
    "install_command",
    "build_command",
    "start_command",
    "test_command",
    "lint_command",
    "deploy_command",
}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_COMMAND = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Text scaffold itself wrote (the Pulumi config files, why a file was skipped).
_GENERATED_VALUES = {"environment_specs", "skipped"}


def _problem(field: str, text: str) -> str | None:
    if EXPRESSION_OPENER in text:
        return "contains '${{', which GitHub Actions would evaluate as an expression"
    control = _CONTROL_IN_COMMAND if field in MULTILINE_FIELDS else _CONTROL
    if control.search(text):
        return "contains a line break or control character"
    return None


def _walk(value: Any, where: str, field: str) -> list[tuple[str, str, str]]:
    """(location, text, problem) for every unsafe string under `value`."""
    found: list[tuple[str, str, str]] = []
    if isinstance(value, str):
        problem = _problem(field, value)
        if problem:
            found.append((where, value, problem))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _walk(item, f"{where}[{index}]", field)
    elif isinstance(value, dict):
        for key, item in value.items():
            key_problem = _problem("", str(key))
            if key_problem:
                found.append((f"{where}.{key}" if where else str(key), str(key), key_problem))
            if not (where == "" and key in _GENERATED_VALUES):
                found += _walk(item, f"{where}.{key}" if where else str(key), str(key))
    return found


def unsafe_names(context: InitContext) -> list[tuple[str, str, str]]:
    return _walk(context.model_dump(mode="json"), "", "")


def check_safe_for_templates(context: InitContext) -> None:
    """Raise InputError (exit 3) naming the first repository text unsafe to template."""
    found = unsafe_names(context)
    if not found:
        return
    where, text, problem = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    raise InputError(
        f"The repository's '{printable(text)}' ({where}) {problem}; "
        f"scaffold will not write it into the generated files{more}.",
        hint="Rename the folder, package or script so its name is plain text, then run "
        "scaffold init again; nothing was written.",
    )
