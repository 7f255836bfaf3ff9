"""The audit's output: RepoFacts -> Finding -> ReadinessReport.

See docs/architecture.md, 'Stages'.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from scaffolder.models.base import Evidence, Model
from scaffolder.models.repo import RepoFacts, ScanWarning


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


class Finding(Model):
    rule_id: str  # "SEC001"
    title: str
    dimension: Dimension
    severity: Severity
    why: str  # one sentence: why this breaks in production
    fix: str  # what closes it
    fix_command: str | None = None  # the scaffold command that closes it, if one does
    evidence: list[Evidence] = Field(default_factory=list)
    # "planned": `scaffold init` prepared the fix (files written) but its cause is still there
    # (no verified restore, no stack, a health module not wired in); `planned` says what is
    # prepared and what is left. The score counts it as open; `planned_score` does not.
    status: FindingStatus = "open"
    planned: str | None = None


class DimensionScore(Model):
    dimension: Dimension
    score: int = Field(ge=0, le=100)
    findings: int = 0
    planned_score: int | None = Field(default=None, ge=0, le=100)  # once the planned work is done


class LaunchStep(Model):
    order: int
    title: str
    command: str | None = None
    closes: list[str] = Field(default_factory=list)  # rule ids


class CostLine(Model):
    resource: str
    monthly_usd: float


RlsCell = Literal["allowed", "denied", "error"]


class RlsOperations(Model):
    """What one role could do to another user's row: each cell allowed, denied or error."""

    select: RlsCell
    insert: RlsCell
    update: RlsCell
    delete: RlsCell


class RlsAccess(Model):
    anon: RlsOperations  # anyone holding the anon key, signed out
    authenticated_other: RlsOperations  # a signed-in user, against another user's rows


class RlsTableProbe(Model):
    model_config = ConfigDict(
        extra="forbid",
        serialize_by_alias=True,
        validate_by_name=True,
        validate_by_alias=True,
        defer_build=True,
    )

    schema_name: str = Field(default="public", alias="schema")
    table: str
    rls_enabled: bool
    access: RlsAccess


class RlsProbe(Model):
    """`scaffold audit --probe-rls`: the access matrix measured in a scratch Postgres."""

    probed: bool
    reason: str | None = None  # why it was not probed
    tables: list[RlsTableProbe] = Field(default_factory=list)


class ReadinessReport(Model):
    schema_version: Literal["1"] = "1"
    tool_version: str
    repository: str
    score: int = Field(ge=0, le=100)
    # The score once every planned finding is done (planned findings count as open in `score`).
    planned_score: int | None = Field(default=None, ge=0, le=100)
    dimensions: list[DimensionScore]
    findings: list[Finding]
    top_risks: list[str]  # rule ids, most severe first
    launch_plan: list[LaunchStep]
    warnings: list[ScanWarning] = Field(default_factory=list)
    estimated_monthly_cost_usd: dict[str, float] = Field(default_factory=dict)  # env -> USD
    facts: RepoFacts
    rls_probe: RlsProbe | None = None  # only with --probe-rls
