"""What `scaffold up` / `destroy` refuse to do without an explicit flag (pure)."""

from __future__ import annotations

from collections import Counter

from pydantic import Field

from scaffolder.errors import SafetyRefusal
from scaffolder.models import EnvironmentSpec, Model

# Resources whose replacement or deletion loses data or locks it away for good.
STATEFUL_TYPES = frozenset(
    {
        "aws:rds/instance:Instance",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:backup/vault:Vault",
        "aws:kms/key:Key",
        "aws:secretsmanager/secret:Secret",
    }
)
DESTRUCTIVE_OPS = frozenset({"replace", "create-replacement", "delete-replaced", "delete"})


class Step(Model):
    op: str  # Pulumi's OpType value: create, update, replace, delete...
    urn: str
    type: str


class StatefulChange(Model):
    op: str
    urn: str
    type: str


class ChangeSummary(Model):
    environment: str
    counts: dict[str, int] = Field(default_factory=dict)  # op -> number of resources
    steps: list[Step] = Field(default_factory=list)
    stateful_changes: list[StatefulChange] = Field(default_factory=list)


def summarize(environment: str, steps: list[Step], counts: dict[str, int]) -> ChangeSummary:
    risky = [
        StatefulChange(op=s.op, urn=s.urn, type=s.type)
        for s in steps
        if s.type in STATEFUL_TYPES and s.op in DESTRUCTIVE_OPS
    ]
    # One line per URN: a replace shows up as create-replacement + delete-replaced too.
    unique = list({c.urn: c for c in reversed(risky)}.values())[::-1]
    merged = Counter(counts) if counts else Counter(s.op for s in steps)
    return ChangeSummary(
        environment=environment, counts=dict(merged), steps=steps, stateful_changes=unique
    )


def refuse_stateful_changes(summary: ChangeSummary, *, allow_replace: bool) -> None:
    if not summary.stateful_changes or allow_replace:
        return
    names = ", ".join(f"{c.urn.rsplit('::', 1)[-1]} ({c.op})" for c in summary.stateful_changes)
    raise SafetyRefusal(
        f"This update would replace or delete stateful resources in {summary.environment}: "
        f"{names}.",
        hint="Check the preview; take a snapshot (`scaffold backup run "
        f"{summary.environment}`), then re-run with --allow-replace if it is intended.",
    )


def check_destroy_allowed(spec: EnvironmentSpec, *, i_understand_prod: bool) -> None:
    """Destroy never runs on prod by accident, nor without a final DB snapshot."""
    env = spec.environment
    if env == "prod" and not i_understand_prod:
        raise SafetyRefusal(
            "Refusing to destroy prod.",
            hint="If you really mean it, pass --i-understand-this-deletes-prod.",
        )
    db = spec.database
    if db is None or env == "dev":
        return
    if not db.final_snapshot:
        raise SafetyRefusal(
            f"The {env} database has no final snapshot configured; destroying would lose its data.",
            hint=f"Set database.final_snapshot: true in infra/Pulumi.{env}.yaml and run "
            f"`scaffold up {env}` first.",
        )
    if db.deletion_protection:
        raise SafetyRefusal(
            f"The {env} database has deletion protection on, so AWS would refuse the destroy.",
            hint=f"Set database.deletion_protection: false in infra/Pulumi.{env}.yaml, run "
            f"`scaffold up {env}`, then destroy; the final snapshot is kept.",
        )
