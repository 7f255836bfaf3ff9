"""What a rule is, the registry that holds every rule, and small fact helpers.

A rule is metadata (id, dimension, severity, the sentences a founder reads) plus
a pure check over an `AuditContext`. A check yields `Hit`s; each hit becomes one
`Finding`. Checks never raise on odd facts on purpose, and `evaluate` still
guards each one so a bug in one rule cannot take the whole report down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

from scaffolder.models import (
    AppFacts,
    DeployShape,
    Dimension,
    EnvironmentSpec,
    Evidence,
    Finding,
    RepoFacts,
    Severity,
)

if TYPE_CHECKING:
    from scaffolder.audit.rls_probe.result import ProbeOutcome


class Stage(IntEnum):
    """Where in the launch plan a rule's finding is closed (the plan runs in this order)."""

    ROTATE = 10  # rotate leaked secrets at their providers, before anything else
    MANUAL = 20  # a change in the code that no command makes
    INIT = 30  # scaffold init
    PLAN = 40  # scaffold plan: review resources and cost
    SECRETS_STAGING = 50
    UP_STAGING = 60
    BACKUP_STAGING = 70
    SECRETS_PROD = 80
    UP_PROD = 90
    BACKUP_PROD = 100


@dataclass(frozen=True)
class AuditContext:
    """The facts plus what the audit derived from them once, for every rule."""

    facts: RepoFacts
    specs: Mapping[str, EnvironmentSpec] = field(default_factory=dict)  # env -> default spec
    monthly_cost: Mapping[str, float] = field(default_factory=dict)  # env -> USD
    rls_probe: ProbeOutcome | None = None  # --probe-rls: what the live probe measured


@dataclass(frozen=True)
class Hit:
    """One occurrence of a problem; `title` names the specific thing when there is one."""

    evidence: tuple[Evidence, ...] = ()
    title: str | None = None
    fix: str | None = None  # a fix specific to this hit (else the rule's)
    # What `scaffold init` already prepared while the cause remains: the finding is "planned".
    planned: str | None = None


Check = Callable[[AuditContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    dimension: Dimension
    severity: Severity
    title: str
    why: str  # one sentence: why this breaks in production
    fix: str  # what closes it
    action: str  # the imperative a launch-plan step shows
    stage: Stage
    fix_command: str | None
    check: Check

    def findings(self, ctx: AuditContext) -> list[Finding]:
        return [
            Finding(
                rule_id=self.id,
                title=hit.title or self.title,
                dimension=self.dimension,
                severity=self.severity,
                why=self.why,
                fix=hit.fix or self.fix,
                fix_command=self.fix_command,
                evidence=list(hit.evidence),
                status="planned" if hit.planned else "open",
                planned=hit.planned,
            )
            for hit in self.check(ctx)
        ]


_REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    dimension: Dimension,
    severity: Severity,
    title: str,
    why: str,
    fix: str,
    action: str,
    stage: Stage,
    fix_command: str | None = None,
) -> Callable[[Check], Check]:
    """Register the decorated check as a rule; ids are unique across the registry."""

    def register(check: Check) -> Check:
        if id in _REGISTRY:
            raise ValueError(f"rule id {id} is registered twice")
        _REGISTRY[id] = Rule(
            id=id,
            dimension=dimension,
            severity=severity,
            title=title,
            why=why,
            fix=fix,
            action=action,
            stage=stage,
            fix_command=fix_command,
            check=check,
        )
        return check

    return register


def registered() -> dict[str, Rule]:
    return dict(_REGISTRY)


# ---------------------------------------------------------------- fact helpers


def server_apps(facts: RepoFacts) -> list[AppFacts]:
    return [app for app in facts.apps if app.shape == DeployShape.SERVER]


def app_label(app: AppFacts) -> str:
    return app.name if app.root in (".", "") else f"{app.name} ({app.root})"


def in_app(app: AppFacts, name: str) -> str:
    """The repository path of `name` in the app's folder."""
    return name if app.root in (".", "") else f"{app.root}/{name}"


def app_evidence(app: AppFacts) -> Evidence:
    """Where an app lives: its first evidence, else its folder."""
    if app.evidence:
        return app.evidence[0]
    return Evidence(path=app.root or ".")


def apps_hit(apps: list[AppFacts], title: str) -> Iterator[Hit]:
    """One hit naming every app in `apps`, none when it is empty: "<title> a, b and c"."""
    if apps:
        yield Hit(
            evidence=tuple(app_evidence(a) for a in apps),
            title=f"{title} {joined(app_label(a) for a in apps)}",
        )


def unique_evidence(items: Iterable[Evidence]) -> tuple[Evidence, ...]:
    seen: set[tuple[str, int | None]] = set()
    out: list[Evidence] = []
    for item in items:
        key = (item.path, item.line)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


def joined(names: Iterable[str], limit: int = 4) -> str:
    """'a, b and c' with at most `limit` names, the rest counted."""
    items = list(dict.fromkeys(n for n in names if n))
    if len(items) > limit:
        items = [*items[:limit], f"{len(items) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
