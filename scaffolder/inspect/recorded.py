"""What the repository records as done, as opposed to what `scaffold init` only prepared.

The audit is offline: it cannot ask AWS whether a stack exists or a restore passed. The
repository can hold the evidence, committed by the user (docs/audit.md, "Planned findings"):

- `.scaffold/verifications/<env>.json`: the report `scaffold backup verify <env> --json`
  prints (the same one it stores in S3): the environment exists, and its backup restored
  when `passed` is true;
- `.scaffold/outputs/<env>.json`: what `scaffold outputs <env> --json` prints: the stack exists.

Environments that only files `scaffold init` wrote name (infra/Pulumi.<env>.yaml, the
generated workflows; listed in `.scaffold/context.json`) are planned until then.
"""

from __future__ import annotations

import json
from dataclasses import replace

from scaffolder.inspect.index import RepoIndex
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.models import ProductionPieces, RecordedVerification, ScanWarning, WarningKind

CONTEXT_FILE = ".scaffold/context.json"
_VERIFICATION = lazy_regex(r"^\.scaffold/verifications/([\w-]+)\.json$")
_OUTPUTS = lazy_regex(r"^\.scaffold/outputs/([\w-]+)\.json$")


def _json_object(index: RepoIndex, path: str) -> dict[str, object] | None:
    text = index.text(path)
    try:
        value = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def scaffold_written(index: RepoIndex) -> set[str]:
    """Paths `scaffold init` rendered last time and wrote (not the user's own files)."""
    stored = _json_object(index, CONTEXT_FILE)
    if stored is None:
        return set()
    generated, owned = stored.get("generated"), stored.get("user_owned")
    mine = {p for p in generated if isinstance(p, str)} if isinstance(generated, list) else set()
    theirs = {p for p in owned if isinstance(p, str)} if isinstance(owned, list) else set()
    return mine - theirs


def planned_environments(index: RepoIndex, written: set[str]) -> list[str]:
    """Environments only the files scaffold wrote name."""
    from scaffolder.inspect.extras import environments

    if not written:
        return []
    theirs = replace(
        index,
        files=[f for f in index.files if f.path not in written],
        paths=[p for p in index.paths if p not in written],
    )
    return sorted(set(environments(index)) - set(environments(theirs)))


def _unreadable(path: str, what: str) -> ScanWarning:
    return ScanWarning(
        kind=WarningKind.MALFORMED,
        path=path,
        message=f"not {what}; it does not count as evidence",
    )


def recorded_verifications(
    index: RepoIndex,
) -> tuple[list[RecordedVerification], list[ScanWarning]]:
    found: list[RecordedVerification] = []
    problems: list[ScanWarning] = []
    for path in sorted(index.paths):
        if not (match := _VERIFICATION.match(path)):
            continue
        report = _json_object(index, path)
        env, passed = (report or {}).get("environment"), (report or {}).get("passed")
        if env != match.group(1) or not isinstance(passed, bool):
            problems.append(
                _unreadable(path, f"a `scaffold backup verify {match.group(1)}` report")
            )
            continue
        finished = (report or {}).get("finished_at")
        found.append(
            RecordedVerification(
                path=path,
                environment=match.group(1),
                passed=passed,
                finished_at=finished if isinstance(finished, str) and finished else None,
            )
        )
    return found, problems


def recorded_outputs(index: RepoIndex) -> tuple[list[str], list[ScanWarning]]:
    """Environments whose stack outputs are committed."""
    envs: list[str] = []
    problems: list[ScanWarning] = []
    for path in sorted(index.paths):
        if not (match := _OUTPUTS.match(path)):
            continue
        outputs = _json_object(index, path) or {}
        if outputs.get("environment") == match.group(1) and isinstance(outputs.get("project"), str):
            envs.append(match.group(1))
        else:
            problems.append(_unreadable(path, f"`scaffold outputs {match.group(1)} --json`"))
    return envs, problems


def record_what_exists(index: RepoIndex, pieces: ProductionPieces) -> list[ScanWarning]:
    """Fill the planned/provisioned facts of `pieces`; problems with evidence files as warnings."""
    pieces.verifications, problems = recorded_verifications(index)
    with_outputs, more = recorded_outputs(index)
    pieces.provisioned_environments = sorted(
        {*with_outputs, *(v.environment for v in pieces.verifications)}
    )
    pieces.planned_environments = planned_environments(index, scaffold_written(index))
    return [*problems, *more]
