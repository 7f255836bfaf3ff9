"""Hand-built RepoFacts for rule tests: a repository that is ready for production, and parts."""

from __future__ import annotations

from typing import Any

from scaffolder.models import (
    AppFacts,
    AppKind,
    AuthFacts,
    AuthKind,
    CostLine,
    DatabaseFacts,
    DatabaseHost,
    DatabaseKind,
    DeployShape,
    DockerfileFacts,
    EnvironmentSpec,
    Evidence,
    Language,
    MigrationFacts,
    MigrationTool,
    PackageManager,
    ProductionPieces,
    RecordedVerification,
    RepoFacts,
    SecretFinding,
    SecretKind,
    WorkflowFacts,
)
from tests.support.builders import repo_facts


def server_app(**changes: Any) -> AppFacts:
    base = AppFacts(
        name="api",
        root=".",
        kind=AppKind.EXPRESS,
        language=Language.NODE,
        shape=DeployShape.SERVER,
        package_manager=PackageManager.NPM,
        lockfiles=["package-lock.json"],
        runtime_version="20",
        runtime_version_source=".nvmrc",
        port=3000,
        health_path="/healthz",
        has_tests=True,
        evidence=[Evidence(path="package.json")],
    )
    return base.model_copy(update=changes)


def static_app(**changes: Any) -> AppFacts:
    base = AppFacts(
        name="web",
        root="web",
        kind=AppKind.VITE_SPA,
        language=Language.NODE,
        shape=DeployShape.STATIC,
        package_manager=PackageManager.NPM,
        lockfiles=["web/package-lock.json"],
        runtime_version="20",
        build_output_dir="dist",
        has_tests=True,
        evidence=[Evidence(path="web/package.json")],
    )
    return base.model_copy(update=changes)


def postgres(**changes: Any) -> DatabaseFacts:
    base = DatabaseFacts(
        kind=DatabaseKind.POSTGRES,
        host=DatabaseHost.SELF,
        clients=["prisma"],
        url_env_var="DATABASE_URL",
        evidence=[Evidence(path="prisma/schema.prisma", line=5)],
    )
    return base.model_copy(update=changes)


def ready_facts(**changes: Any) -> RepoFacts:
    """A repository with every production piece in place: only the cost reminders fire."""
    base = repo_facts(
        server_app(),
        root="/repo/ready",
        name="ready",
        is_git=True,
        git_remote="acme/ready",
        databases=[postgres()],
        migrations=[
            MigrationFacts(
                tool=MigrationTool.PRISMA_MIGRATE, directory="prisma/migrations", count=3
            )
        ],
        auth=[AuthFacts(kind=AuthKind.NEXTAUTH, evidence=[Evidence(path="src/auth.ts")])],
        production=ProductionPieces(
            dockerfiles=[DockerfileFacts(path="Dockerfile", production_grade=True)],
            workflows=[WorkflowFacts(path=".github/workflows/ci.yml", runs_tests=True)],
            test_files=4,
            health_endpoints=[Evidence(path="src/health.ts", line=3)],
            logging_libraries=["pino"],
            error_tracking=["sentry"],
            iac=["pulumi"],
            environments=["dev", "prod", "staging"],
            verifications=[
                RecordedVerification(
                    path=".scaffold/verifications/prod.json", environment="prod", passed=True
                )
            ],
        ),
    )
    return base.model_copy(update=changes)


def with_production(facts: RepoFacts, **changes: Any) -> RepoFacts:
    return facts.model_copy(update={"production": facts.production.model_copy(update=changes)})


def secret(**changes: Any) -> SecretFinding:
    base = SecretFinding(
        kind=SecretKind.PROVIDER_KEY,
        detector="openai-api-key",
        description="OpenAI API key",
        path="server/ai.js",
        line=4,
        preview="sk-a...f3",
        fingerprint="f" * 64,
    )
    return base.model_copy(update=changes)


def flat_estimator(spec: EnvironmentSpec) -> list[CostLine]:
    """A price list where each service costs $10, the database $20 and each NAT $30."""
    lines = [CostLine(resource=f"service {s.name}", monthly_usd=10.0) for s in spec.services]
    if spec.database is not None:
        lines.append(CostLine(resource="database", monthly_usd=20.0))
    lines += [CostLine(resource="nat", monthly_usd=30.0)] * spec.nat_gateways
    return lines
