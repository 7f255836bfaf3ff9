"""Operations rules on what the app's CI steps do today: tests that fail, builds that break.

Two sources: the static prediction (inspect/test_outcome.py: the runner finds no test)
and the record `scaffold smoke --ci` writes after running the steps
(`.scaffold/ci-run.json`, inspect/ci_record.py). A record made at a commit whose files
differ from the working tree's is used, and the finding says it is stale.
"""

from __future__ import annotations

from collections.abc import Iterator

from scaffolder.audit.rules.base import AuditContext, Hit, Stage, app_label, in_app, rule
from scaffolder.models import AppFacts, CiStepOutcome, Dimension, Evidence, RepoFacts, Severity

OPS = Dimension.OPERATIONS
RERUN = "scaffold smoke --ci"


def _manifest(app: AppFacts) -> str:
    return in_app(app, "package.json") if app.language.value == "node" else app.root or "."


def recorded_step(facts: RepoFacts, app: AppFacts, name: str) -> CiStepOutcome | None:
    """The app's step `name` in the `scaffold smoke --ci` record, if it ran."""
    if facts.ci_run is None:
        return None
    outcome = facts.ci_run.record.app(app.name)
    if outcome is None or outcome.root != app.root:
        return None
    return outcome.step(name)


def provenance(facts: RepoFacts) -> str:
    """Where a recorded outcome comes from, and whether the code changed since."""
    recorded = facts.ci_run
    if recorded is None:
        return ""
    commit = (recorded.record.commit or "")[:7]
    at = f" at {commit}" if commit else ""
    when = f"`{RERUN}` ran it{at}, {recorded.record.finished_at[:10]}"
    if recorded.stale:
        head = f", HEAD is {recorded.head[:7]}" if recorded.head else ""
        return f"{when}; stale: the files changed since{head}; re-run `{RERUN}`"
    return when


def _exit(step: CiStepOutcome) -> str:
    return "timed out" if step.exit_code is None else f"exit {step.exit_code}"


@rule(
    id="OPS009",
    dimension=OPS,
    severity=Severity.MEDIUM,
    title="The test command cannot pass today",
    why=(
        "CI runs the app's tests before every deploy; a test command that fails on the first "
        "push keeps CI red and nothing ever deploys, or teaches everyone to ignore red."
    ),
    fix=(
        "Add a test the runner finds (or fix the failing ones), then set the repository "
        "variable TESTS_BLOCKING to true. Until then init's CI runs the step without blocking "
        "deploys (docs/RUNBOOK.md, 'CI'). `scaffold smoke --ci` runs the tests and records "
        "the outcome."
    ),
    action="Make the tests pass",
    stage=Stage.MANUAL,
    fix_command=None,
)
def failing_tests(ctx: AuditContext) -> Iterator[Hit]:
    for app in ctx.facts.apps:
        if not (app.test_command and app.test_failure):
            continue
        step = recorded_step(ctx.facts, app, "test")
        snippet = f"`{app.test_command}`: {app.test_failure}"
        if step is not None and not step.passed and step.command == app.test_command:
            snippet = (
                f"`{app.test_command}` failed ({_exit(step)}): {app.test_failure} "
                f"({provenance(ctx.facts)})"
            )
        yield Hit(
            evidence=(Evidence(path=_manifest(app), snippet=snippet),),
            title=f"The test command cannot pass today: {app_label(app)}",
        )


@rule(
    id="OPS010",
    dimension=OPS,
    severity=Severity.HIGH,
    title="The app does not install or build",
    why=(
        "CI and the image run the same install and build: when they fail, no image (or "
        "static site) can be built, so nothing deploys until the code is fixed."
    ),
    fix=(
        "Run the failing command locally and fix the error it prints (the first line is "
        "shown), then re-run `scaffold smoke --ci` to record the passing run."
    ),
    action="Fix the failing build",
    stage=Stage.MANUAL,
    fix_command=None,
)
def failing_builds(ctx: AuditContext) -> Iterator[Hit]:
    for app in ctx.facts.apps:
        for name in ("setup", "install", "build"):
            step = recorded_step(ctx.facts, app, name)
            if step is None or step.passed:
                continue
            yield Hit(
                evidence=(
                    Evidence(
                        path=_manifest(app),
                        snippet=(
                            f"`{step.command}` failed ({_exit(step)}): {step.first_error} "
                            f"({provenance(ctx.facts)})"
                        ),
                    ),
                ),
                title=f"The app's {name} step fails: {app_label(app)}",
            )
            break  # the later steps did not run
