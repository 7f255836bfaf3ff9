"""`scaffold rollback ENV [--to RELEASE]`: put the previous known-good release
back in front of users.

Plan first (`plan_rollback`: from which release to which, per service, and
whether migrations ran since the target), then apply (`apply_rollback`): ECS
services go back to the target's task definition and are waited on until
stable with healthy targets; static sites get CloudFront's origin path pointed
at the target's prefix and an invalidation. The bad release is marked
`rolled-back` in the ledger.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scaffolder.errors import CheckFailed, CloudError, Interrupted, SafetyRefusal, UsageError
from scaffolder.models import EnvName, Model, ReleaseRecord, ServiceOutputs
from scaffolder.ops.context import OpsContext
from scaffolder.ops.releases import Ledger, live_ref, matches, read_ledger, write_record

GOOD = ("healthy", "deployed")


class ServiceRollback(Model):
    service: str
    shape: Literal["server", "static"]
    current: ReleaseRecord
    target: ReleaseRecord
    live: str | None = None  # task definition ARN / origin path seen serving traffic
    schema_mismatch: bool = False
    migrations: str  # one sentence about migrations between target and current


class RollbackPlan(Model):
    environment: EnvName
    steps: list[ServiceRollback] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def schema_mismatch(self) -> bool:
        return any(step.schema_mismatch for step in self.steps)


class RollbackResult(Model):
    environment: EnvName
    rolled_back: list[str] = Field(default_factory=list)  # "service: from -> to"
    marked: list[str] = Field(default_factory=list)  # ledger records marked rolled-back
    notes: list[str] = Field(default_factory=list)


def _current(records: list[ReleaseRecord], live: str | None) -> ReleaseRecord:
    for record in reversed(records):
        if matches(record, live):
            return record
    # Nothing matches what is live (e.g. changed by hand): the newest not rolled back.
    alive = [r for r in records if r.status != "rolled-back"]
    return (alive or records)[-1]


def _deployable(record: ReleaseRecord, shape: str) -> bool:
    return bool(record.task_definition_arn if shape == "server" else record.site_prefix)


def _target(
    records: list[ReleaseRecord], current: ReleaseRecord, to: str | None, svc: ServiceOutputs
) -> ReleaseRecord | None:
    if to is not None:
        wanted = {to, f"{to}-{svc.name}"}
        return next((r for r in records if r.release_id in wanted), None)
    older = records[: records.index(current)]
    good = [r for r in older if r.status in GOOD and _deployable(r, svc.shape)]
    return good[-1] if good else None


def _migrations(
    records: list[ReleaseRecord], target: ReleaseRecord, current: ReleaseRecord
) -> tuple[bool, str]:
    """Did the schema move between `target` and `current`? (mismatch, sentence)."""
    lo, hi = sorted((records.index(target), records.index(current)))
    since = [r for r in records[lo : hi + 1] if r is not target]
    heads = {r.migration_head for r in since if r.migration_head}
    if target.migration_head is None and not heads:
        return False, "no migration heads are recorded for these releases; cannot tell"
    moved = sorted(heads - {target.migration_head})
    if moved:
        return True, (
            f"migrations ran since {target.release_id}: the schema is at {moved[-1]}, "
            f"the target expects {target.migration_head or 'an older schema'}"
        )
    return False, f"no migrations since {target.release_id} (head {target.migration_head})"


def plan_rollback(
    ctx: OpsContext, *, to: str | None = None, service: str | None = None
) -> RollbackPlan:
    ledger: Ledger = read_ledger(ctx)
    plan = RollbackPlan(environment=ctx.env)
    plan.notes.extend(f"skipped an unreadable ledger record: {key}" for key in ledger.skipped)
    services = [s for s in ctx.outputs.services if service is None or s.name == service]
    if not ctx.outputs.services:
        raise CheckFailed(
            f"The {ctx.env} environment has no services to roll back: its stack outputs list none.",
            hint=f"Deploy an app to {ctx.env} first, or check that --outputs is this "
            "environment's file (`scaffold outputs ENV --json`).",
        )
    if not services:
        names = ", ".join(s.name for s in ctx.outputs.services) or "none"
        raise UsageError(
            f"The {ctx.env} environment has no service named {service!r}.",
            hint=f"Its services: {names}.",
        )
    for svc in services:
        records = ledger.for_service(svc.name)
        if not records:
            plan.notes.append(f"{svc.name}: no releases recorded; left as it is")
            continue
        live = live_ref(ctx, svc)
        current = _current(records, live)
        target = _target(records, current, to, svc)
        if target is None:
            plan.notes.append(
                f"{svc.name}: no {f'release {to}' if to else 'earlier healthy release'} "
                "to go back to"
            )
            continue
        if target.release_id == current.release_id and matches(target, live):
            plan.notes.append(f"{svc.name}: already running {target.release_id}")
            continue
        if not _deployable(target, svc.shape):
            raise CheckFailed(
                f"Release {target.release_id} of {svc.name} records nothing to redeploy.",
                hint="Name another release with --to RELEASE (see `scaffold status ENV`).",
            )
        mismatch, sentence = _migrations(records, target, current)
        plan.steps.append(
            ServiceRollback(
                service=svc.name,
                shape=svc.shape,
                current=current,
                target=target,
                live=live,
                schema_mismatch=mismatch,
                migrations=sentence,
            )
        )
    if not plan.steps and not any("already running" in n for n in plan.notes):
        if to is not None:
            raise UsageError(
                f"There is no release {to} in the {ctx.env} ledger.",
                hint=f"`scaffold status {ctx.env} --json` shows the live releases; the ledger is "
                f"s3://{ctx.outputs.artifacts_bucket_name}/releases/{ctx.env}/.",
            )
        raise CheckFailed(
            f"There is nothing to roll back to in {ctx.env}.",
            hint="Name a release with --to RELEASE (see `scaffold status ENV`), "
            "or redeploy a fixed commit.",
        )
    return plan


def check_safety(plan: RollbackPlan, *, allow_schema_mismatch: bool) -> None:
    """Refuse to run old code against a newer schema unless told to."""
    if plan.schema_mismatch and not allow_schema_mismatch:
        step = next(s for s in plan.steps if s.schema_mismatch)
        raise SafetyRefusal(
            f"Rolling {step.service} back to {step.target.release_id} would run old code "
            f"against a newer database schema ({step.migrations}).",
            hint="Roll the schema back first (a down migration, or restore a backup), then "
            "re-run with --allow-schema-mismatch; or deploy a fix forward.",
        )


def apply_rollback(
    ctx: OpsContext,
    plan: RollbackPlan,
    *,
    allow_schema_mismatch: bool = False,
    timeout_s: float = 900.0,
) -> RollbackResult:
    from scaffolder.ops.redeploy import point_site_at, update_ecs_service

    check_safety(plan, allow_schema_mismatch=allow_schema_mismatch)
    result = RollbackResult(environment=ctx.env, notes=list(plan.notes))
    by_name = {s.name: s for s in ctx.outputs.services}
    for step in plan.steps:
        svc = by_name[step.service]
        try:
            if step.shape == "server":
                update_ecs_service(ctx, svc, step.target, timeout_s=timeout_s)
            else:
                point_site_at(ctx, svc, step.target)
        except KeyboardInterrupt as exc:
            # ECS or CloudFront may already be switching: say so instead of "nothing was done".
            raise Interrupted(
                f"Interrupted while rolling back {step.service} to {step.target.release_id}; "
                "the change may already be under way.",
                hint=f"Check `scaffold status {ctx.env}`, then re-run with --to "
                f"{step.target.release_id} to finish (services already on it are left alone).",
            ) from exc
        except CloudError as exc:
            done = ", ".join(result.rolled_back) or "none"
            raise CloudError(
                f"Rolling back {step.service} failed: {exc.message} "
                f"Services already rolled back: {done}.",
                hint=f"Check `scaffold status {ctx.env}`, then re-run with --to "
                f"{step.target.release_id} (services already on it are left alone).",
            ) from exc
        result.rolled_back.append(
            f"{step.service}: {step.current.release_id} -> {step.target.release_id}"
        )
        if step.current.release_id != step.target.release_id:
            marked = step.current.model_copy(update={"status": "rolled-back"})
            result.marked.append(
                write_record(
                    ctx,
                    marked,
                    hint=f"{step.service} is already serving {step.target.release_id}; only "
                    "the ledger mark is missing. Re-run the rollback with --to that release.",
                )
            )
    return result
