"""Operations rules: how the app is built, shipped, watched and kept apart per environment."""

from __future__ import annotations

from collections.abc import Iterator

from scaffolder.audit.rules.base import (
    AuditContext,
    Hit,
    Stage,
    app_label,
    apps_hit,
    joined,
    rule,
    server_apps,
    unique_evidence,
)
from scaffolder.models import AppFacts, Dimension, Evidence, RepoFacts, Severity

OPS = Dimension.OPERATIONS

# Names people give the environments; a repo needs a staging and a prod besides a laptop.
_ALIASES = {
    "production": "prod",
    "prd": "prod",
    "live": "prod",
    "stage": "staging",
    "stg": "staging",
}


def _in_app(path: str, app: AppFacts) -> bool:
    root = app.root.strip("/")
    return root in ("", ".") or path == root or path.startswith(f"{root}/")


@rule(
    id="OPS001",
    dimension=OPS,
    severity=Severity.HIGH,
    title="No Dockerfile for a server app",
    why=(
        "Without a container image the app runs only where someone set it up by hand, and each "
        "deploy can differ from the last."
    ),
    fix="`scaffold init` writes a multi-stage production Dockerfile for each server app.",
    action="Write the production pieces: Dockerfile, CI/CD, infra/, runbook",
    stage=Stage.INIT,
    fix_command="scaffold init",
)
def no_dockerfile(ctx: AuditContext) -> Iterator[Hit]:
    roots = {d.app_root.strip("/") or "." for d in ctx.facts.production.dockerfiles}
    missing = [a for a in server_apps(ctx.facts) if (a.root.strip("/") or ".") not in roots]
    yield from apps_hit(missing, "No Dockerfile for")


@rule(
    id="OPS002",
    dimension=OPS,
    severity=Severity.MEDIUM,
    title="Dockerfile is not production-grade",
    why=(
        "A development image (dev server, root user, no build step) is slow, ships debug output "
        "and falls over under real traffic."
    ),
    fix=(
        "Fix the listed problems, or move the file aside and let `scaffold init` write a "
        "multi-stage production Dockerfile."
    ),
    action="Write the production pieces: Dockerfile, CI/CD, infra/, runbook",
    stage=Stage.INIT,
    fix_command="scaffold init",
)
def dev_dockerfile(ctx: AuditContext) -> Iterator[Hit]:
    for dockerfile in ctx.facts.production.dockerfiles:
        if not dockerfile.production_grade:
            problems = "; ".join(p for p in dockerfile.problems if p) or None
            yield Hit(
                evidence=(Evidence(path=dockerfile.path, snippet=problems),),
                title=f"Dockerfile is not production-grade: {dockerfile.path}",
            )


@rule(
    id="OPS003",
    dimension=OPS,
    severity=Severity.HIGH,
    title="No continuous integration",
    why=(
        "Nothing checks a change before it reaches users, so production is every commit's "
        "first test."
    ),
    fix="`scaffold init` writes GitHub Actions workflows that test, build and deploy each change.",
    action="Write the production pieces: Dockerfile, CI/CD, infra/, runbook",
    stage=Stage.INIT,
    fix_command="scaffold init",
)
def no_ci(ctx: AuditContext) -> Iterator[Hit]:
    production = ctx.facts.production
    if ctx.facts.apps and not production.workflows and not production.other_ci:
        yield Hit()


@rule(
    id="OPS004",
    dimension=OPS,
    severity=Severity.MEDIUM,
    title="CI runs no tests",
    why="A green check that ran no tests tells you the code compiles, not that it works.",
    fix=(
        "Add a test step to the workflow; the CI workflow `scaffold init` writes runs the "
        "app's test command on every push."
    ),
    action="Write the production pieces: Dockerfile, CI/CD, infra/, runbook",
    stage=Stage.INIT,
    fix_command="scaffold init",
)
def ci_without_tests(ctx: AuditContext) -> Iterator[Hit]:
    workflows = ctx.facts.production.workflows
    if workflows and not any(w.runs_tests for w in workflows):
        yield Hit(evidence=tuple(Evidence(path=w.path) for w in workflows))


def _has_health(app: AppFacts, facts: RepoFacts) -> bool:
    if app.health_path:
        return True
    return any(_in_app(e.path, app) for e in facts.production.health_endpoints)


@rule(
    id="OPS005",
    dimension=OPS,
    severity=Severity.MEDIUM,
    title="No health endpoint",
    why=(
        "The load balancer cannot tell a hung container from a healthy one, so a broken deploy "
        "takes traffic and is never replaced."
    ),
    fix="`scaffold init` adds a /healthz handler where the framework allows one, and wires it up.",
    action="Write the production pieces: Dockerfile, CI/CD, infra/, runbook",
    stage=Stage.INIT,
    fix_command="scaffold init",
)
def no_health_endpoint(ctx: AuditContext) -> Iterator[Hit]:
    missing = [a for a in server_apps(ctx.facts) if not _has_health(a, ctx.facts)]
    unwired = ctx.facts.production.unwired_health
    prepared = [a for a in missing if any(_in_app(e.path, a) for e in unwired)]
    yield from apps_hit([a for a in missing if a not in prepared], "No health endpoint in")
    for app in prepared:
        modules = [e for e in unwired if _in_app(e.path, app)]
        yield Hit(
            evidence=tuple(modules),
            title=f"Health endpoint not wired in: {app_label(app)}",
            fix=(
                "Wire the health module in with the one line its header shows (e.g. "
                '`app.use(require("./health.cjs"))`, `app.include_router(healthz.router)`, '
                '`app.register_blueprint(healthz.bp)`, `path("", include("healthz"))`).'
            ),
            planned=(
                f"{joined(e.path for e in modules)} defines {modules[0].snippet or 'the route'}, "
                "but nothing imports it yet, so the app does not serve it"
            ),
        )


@rule(
    id="OPS006",
    dimension=OPS,
    severity=Severity.MEDIUM,
    title="No error tracking",
    why="Errors your users hit stay invisible until they email you, and by then the logs are gone.",
    fix=(
        "Add Sentry (or a similar service) to the server and browser code, with its DSN kept in "
        "the secret store."
    ),
    action="Add error tracking (e.g. Sentry) to server and browser code",
    stage=Stage.MANUAL,
)
def no_error_tracking(ctx: AuditContext) -> Iterator[Hit]:
    if ctx.facts.apps and not ctx.facts.production.error_tracking:
        yield Hit()


@rule(
    id="OPS007",
    dimension=OPS,
    severity=Severity.LOW,
    title="No structured logging",
    why=(
        "Free-form print and console.log lines cannot be filtered or correlated in CloudWatch, "
        "so tracing one failing request takes hours."
    ),
    fix=(
        "Log JSON lines with a request id through a library (pino for Node; structlog or "
        "python-json-logger for Python)."
    ),
    action="Log JSON lines with a request id (pino, structlog)",
    stage=Stage.MANUAL,
)
def no_structured_logging(ctx: AuditContext) -> Iterator[Hit]:
    if server_apps(ctx.facts) and not ctx.facts.production.logging_libraries:
        yield Hit()


def normalized_environments(facts: RepoFacts) -> set[str]:
    names = {e.strip().lower() for e in facts.production.environments if e and e.strip()}
    return {_ALIASES.get(n, n) for n in names}


@rule(
    id="OPS008",
    dimension=OPS,
    severity=Severity.HIGH,
    title="No separate staging and production environments",
    why=(
        "Every change goes straight to your users' copy, and schema migrations are first tried "
        "on real data."
    ),
    fix=(
        "`scaffold init` defines dev, staging and prod; `scaffold up staging` creates staging, "
        "where every change is tried before prod."
    ),
    action="Create staging",
    stage=Stage.UP_STAGING,
    fix_command="scaffold up staging",
)
def single_environment(ctx: AuditContext) -> Iterator[Hit]:
    if not ctx.facts.apps:
        return
    production = ctx.facts.production
    if not {"staging", "prod"} <= normalized_environments(ctx.facts):
        yield Hit(
            evidence=unique_evidence(Evidence(path=p) for p in production.deploy_configs if p)
        )
        return
    # Named only by what `scaffold init` wrote, and no record that the stack was created.
    planned = {_ALIASES.get(e, e) for e in production.planned_environments}
    created = {_ALIASES.get(e, e) for e in production.provisioned_environments}
    if "staging" in planned - created:
        yield Hit(
            evidence=(Evidence(path="infra/Pulumi.staging.yaml"),),
            planned=(
                "infra/Pulumi.staging.yaml defines staging, but nothing records that the stack "
                "exists: run `scaffold up staging`, then commit "
                "`scaffold outputs staging --json > .scaffold/outputs/staging.json`"
            ),
        )
