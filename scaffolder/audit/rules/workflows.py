"""Security rules over the repository's own GitHub workflows, as zizmor judged them.

One rule per zizmor severity band (high, medium, low and informational), one finding
per kind of weakness in that band, with one piece of evidence per place zizmor
pointed at. Workflows `scaffold init` wrote are not in the facts (see
inspect/workflow_audit.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from scaffolder.audit.rules.base import AuditContext, Hit, Stage, rule
from scaffolder.models import Dimension, Evidence, Severity, WorkflowWeakness

SEC = Dimension.SECURITY
_MAX_EVIDENCE = 20

_FIX = (
    "Pin every third-party action to a full commit SHA, never check out the pull request's "
    "code in a `pull_request_target` workflow, pass `${{ }}` values into `run:` through "
    "`env:` variables, and give each workflow a `permissions:` block with only what its jobs "
    "need; `zizmor .github/workflows` shows each finding in place and `zizmor --fix` applies "
    "the safe fixes."
)


def _hits(ctx: AuditContext, bands: frozenset[str]) -> Iterator[Hit]:
    by_ident: dict[str, list[WorkflowWeakness]] = {}
    for weakness in ctx.facts.workflow_weaknesses:
        if weakness.severity in bands:
            by_ident.setdefault(weakness.ident, []).append(weakness)
    for ident, found in sorted(by_ident.items()):
        files = sorted({w.path for w in found})
        where = files[0] if len(files) == 1 else f"{len(files)} workflows"
        places = f"{len(found)} place{'s' if len(found) > 1 else ''}"
        yield Hit(
            evidence=tuple(
                Evidence(
                    path=w.path,
                    line=w.line,
                    snippet=f"{w.ident} ({w.confidence} confidence): {w.description}"[:300],
                )
                for w in found[:_MAX_EVIDENCE]
            ),
            title=f"Workflow weakness ({ident}) in {where}, {places}: {found[0].description}"[:200],
        )


def _register(
    rule_id: str, severity: Severity, title: str, why: str, bands: frozenset[str]
) -> None:
    def check(ctx: AuditContext) -> Iterator[Hit]:
        yield from _hits(ctx, bands)

    label = "low" if severity is Severity.LOW else severity.value
    rule(
        id=rule_id,
        dimension=SEC,
        severity=severity,
        title=title,
        why=why,
        fix=_FIX,
        action=f"Fix the {label}-severity weaknesses zizmor reports in your workflows",
        stage=Stage.MANUAL,
    )(check)


_register(
    "SEC030",
    Severity.HIGH,
    "Serious weakness in the repository's own GitHub workflows",
    "Workflows run with the repository's token and secrets, so an expression spliced into a "
    "shell step, a pull request's code run with write access, or an action tag someone moves "
    "lets outsiders run their code there and take the secrets and the deploy role.",
    frozenset({"high"}),
)
_register(
    "SEC031",
    Severity.MEDIUM,
    "Weakness in the repository's own GitHub workflows",
    "Broad default permissions, credentials left in the checkout and similar slack turn one "
    "compromised step or dependency into write access to the repository and its releases.",
    frozenset({"medium"}),
)
_register(
    "SEC032",
    Severity.LOW,
    "Minor weakness in the repository's own GitHub workflows",
    "Each is small on its own, but they widen what an attacker who gets into one workflow step "
    "can reach.",
    frozenset({"low", "informational", "unknown"}),
)
