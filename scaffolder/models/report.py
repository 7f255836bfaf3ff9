"""The audit's output: RepoFacts -> Finding -> ReadinessReport.

See docs/architecture.md, 'Stages'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from scaffolder.models.base import Evidence
from scaffolder.models.record import Bounds, Record
from scaffolder.models.repo import RepoFacts, ScanWarning

# A score out of 100 (pydantic's Field(ge=0, le=100) when a report is validated).
Score = Annotated[int, Bounds(ge=0, le=100)]


class Dimension(StrEnum):
    CODE = "code"
    SECURITY = "security"
    DATA = "data"
    OPERATIONS = "operations"
    COST = "cost"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


FindingStatus = Literal["open", "planned"]


@dataclass(kw_only=True, slots=True)
class Finding(Record):
    rule_id: str  # "SEC001"
    title: str
    dimension: Dimension
    severity: Severity
    why: str  # one sentence: why this breaks in production
    fix: str  # what closes it
    fix_command: str | None = None  # the scaffold command that closes it, if one does
    evidence: list[Evidence] = field(default_factory=list)
    # "planned": `scaffold init` prepared the fix (files written) but its cause is still there
    # (no verified restore, no stack, a health module not wired in); `planned` says what is
    # prepared and what is left. The score counts it as open; `planned_score` does not.
    status: FindingStatus = "open"
    planned: str | None = None


@dataclass(kw_only=True, slots=True)
class DimensionScore(Record):
    dimension: Dimension
    score: Score
    findings: int = 0
    planned_score: Score | None = None  # once the planned work is done


@dataclass(kw_only=True, slots=True)
class LaunchStep(Record):
    order: int
    title: str
    command: str | None = None
    closes: list[str] = field(default_factory=list)  # rule ids


@dataclass(kw_only=True, slots=True)
class CostLine(Record):
    resource: str
    monthly_usd: float


RlsCell = Literal["allowed", "denied", "error"]


@dataclass(kw_only=True, slots=True)
class RlsOperations(Record):
    """What one role could do to another user's row: each cell allowed, denied or error."""

    select: RlsCell
    insert: RlsCell
    update: RlsCell
    delete: RlsCell


@dataclass(kw_only=True, slots=True)
class RlsAccess(Record):
    anon: RlsOperations  # anyone holding the anon key, signed out
    authenticated_other: RlsOperations  # a signed-in user, against another user's rows


@dataclass(kw_only=True, slots=True)
class RlsTableProbe(Record):
    # Written as "schema" (as the probe's JSON names it); read by either name.
    _aliases: ClassVar[dict[str, str]] = {"schema_name": "schema"}
    __pydantic_config__: ClassVar[dict[str, Any]] = {
        "extra": "forbid",
        "alias_generator": lambda name: "schema" if name == "schema_name" else name,
        "serialize_by_alias": True,
        "validate_by_name": True,
        "validate_by_alias": True,
    }

    schema_name: str = "public"
    table: str
    rls_enabled: bool
    access: RlsAccess


@dataclass(kw_only=True, slots=True)
class RlsProbe(Record):
    """`scaffold audit --probe-rls`: the access matrix measured in a scratch Postgres."""

    probed: bool
    reason: str | None = None  # why it was not probed
    tables: list[RlsTableProbe] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class ReadinessReport(Record):
    schema_version: Literal["1"] = "1"
    tool_version: str
    repository: str
    score: Score
    # The score once every planned finding is done (planned findings count as open in `score`).
    planned_score: Score | None = None
    dimensions: list[DimensionScore]
    findings: list[Finding]
    top_risks: list[str]  # rule ids, most severe first
    launch_plan: list[LaunchStep]
    warnings: list[ScanWarning] = field(default_factory=list)
    estimated_monthly_cost_usd: dict[str, float] = field(default_factory=dict)  # env -> USD
    facts: RepoFacts
    rls_probe: RlsProbe | None = None  # only with --probe-rls
