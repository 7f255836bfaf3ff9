"""RepoFacts -> Findings -> ReadinessReport.

`evaluate` is pure: the same facts give the same report. `run_audit` inspects a
repository first. Neither imports typer, rich or any cloud library.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from scaffolder import __version__
from scaffolder.audit.costs import CostEstimator, environment_specs, monthly_costs
from scaffolder.audit.rules import AuditContext, Rule, all_rules
from scaffolder.audit.score import (
    dimension_scores,
    launch_plan,
    overall_score,
    planned_score,
    sort_findings,
    top_risks,
)
from scaffolder.models import (
    DatabaseKind,
    Finding,
    ReadinessReport,
    RepoFacts,
    ScanWarning,
    WarningKind,
)

if TYPE_CHECKING:
    from scaffolder.audit.rls_probe.result import ProbeOutcome
    from scaffolder.inspect.opening import Opening

__all__ = ["default_cost_estimator", "evaluate", "run_audit", "run_probed_audit"]


def default_cost_estimator() -> CostEstimator:
    from scaffolder.environment.cost import estimate_spec_cost

    return estimate_spec_cost


def _run_rules(rules: Sequence[Rule], ctx: AuditContext) -> tuple[list[Finding], list[ScanWarning]]:
    findings: list[Finding] = []
    problems: list[ScanWarning] = []
    for rule in rules:
        # A rule is written not to raise on odd facts; this guard keeps the promise that
        # one faulty rule costs its own findings, never the whole report.
        try:
            findings.extend(rule.findings(ctx))
        except Exception as exc:
            problems.append(
                ScanWarning(
                    kind=WarningKind.MALFORMED,
                    message=(
                        f"rule {rule.id} could not evaluate these facts ({type(exc).__name__}); "
                        "its check is missing from this report"
                    ),
                )
            )
    return findings, problems


def _costs(
    facts: RepoFacts, estimator: CostEstimator | Literal["default"] | None
) -> tuple[AuditContext, list[ScanWarning]]:
    specs = environment_specs(facts)
    try:
        chosen = default_cost_estimator() if estimator == "default" else estimator
        costs = monthly_costs(specs, chosen)
    except Exception as exc:
        problem = ScanWarning(
            kind=WarningKind.MALFORMED,
            message=f"the monthly cost could not be estimated ({type(exc).__name__})",
        )
        return AuditContext(facts=facts, specs=specs), [problem]
    return AuditContext(facts=facts, specs=specs, monthly_cost=costs), []


def _has_backed_up_database(facts: RepoFacts) -> bool:
    return any(db.kind in (DatabaseKind.POSTGRES, DatabaseKind.SQLITE) for db in facts.databases)


def evaluate(
    facts: RepoFacts,
    *,
    rules: Sequence[Rule] | None = None,
    cost_estimator: CostEstimator | Literal["default"] | None = "default",
    tool_version: str = __version__,
    rls_probe: ProbeOutcome | None = None,
) -> ReadinessReport:
    """Run every rule over `facts` and score the result.

    `cost_estimator` prices one environment's spec: "default" uses the offline price
    table of scaffolder.environment.cost, None leaves the cost out.
    `rls_probe` is what `--probe-rls` measured, when it ran.
    """
    chosen = list(rules) if rules is not None else all_rules()
    ctx, cost_problems = _costs(facts, cost_estimator)
    ctx = dataclasses.replace(ctx, rls_probe=rls_probe)
    probe_problems = rls_probe.warnings() if rls_probe is not None else []
    findings, rule_problems = _run_rules(chosen, ctx)
    findings = sort_findings(findings)
    scores = dimension_scores(findings)
    return ReadinessReport(
        tool_version=tool_version,
        repository=facts.git_remote or facts.name,
        score=overall_score(scores, findings),
        planned_score=planned_score(scores, findings),
        dimensions=scores,
        findings=findings,
        top_risks=top_risks(findings),
        launch_plan=launch_plan(
            findings, {r.id: r for r in chosen}, has_database=_has_backed_up_database(facts)
        ),
        warnings=[*facts.warnings, *probe_problems, *cost_problems, *rule_problems],
        estimated_monthly_cost_usd=dict(ctx.monthly_cost),
        facts=facts,
        rls_probe=rls_probe.model() if rls_probe is not None else None,
    )


def run_audit(
    root: Path, *, scan_history: bool = True, probe_rls: bool = False, opened: Opening | None = None
) -> ReadinessReport:
    """Inspect the repository at `root` and evaluate it (offline; no cloud account needed).

    `probe_rls` also builds its Supabase migrations in a scratch Postgres and measures
    what anon and other users can do (scaffolder.audit.rls_probe). `opened`: the
    inspection's first steps, when the caller took them already (inspect/opening.py).
    """
    if probe_rls:
        return run_probed_audit(root, scan_history=scan_history, opened=opened)[0]
    return evaluate(_inspect(root, scan_history, opened))


def run_probed_audit(
    root: Path, *, scan_history: bool = True, opened: Opening | None = None
) -> tuple[ReadinessReport, ProbeOutcome]:
    """`run_audit` with the live RLS probe, and the probe's full outcome (for --write-rls-tests)."""
    from scaffolder.audit.rls_probe import probe_repository

    facts = _inspect(root, scan_history, opened)
    outcome = probe_repository(Path(facts.root), facts)
    return evaluate(facts, rls_probe=outcome), outcome


def _inspect(root: Path, scan_history: bool, opened: Opening | None = None) -> RepoFacts:
    from scaffolder.inspect import inspect_repository

    facts = inspect_repository(root, scan_history=scan_history, opened=opened)
    if not scan_history and not any(w.kind == WarningKind.HISTORY_SKIPPED for w in facts.warnings):
        facts.warnings.append(
            ScanWarning(
                kind=WarningKind.HISTORY_SKIPPED,
                message="git history was not scanned for secrets (--no-history)",
            )
        )
    return facts
