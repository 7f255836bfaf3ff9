"""The environments `scaffold init` would define for these facts, and what they cost.

The audit prices the default dev / staging / prod specs (environment.spec.default_spec) so a
founder sees the bill before provisioning anything. Pricing itself lives in
scaffolder.environment.cost; it is injected here so rules and tests stay pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scaffolder.environment.spec import default_spec
from scaffolder.inspect.sqlite_plan import keeps_sqlite
from scaffolder.models import (
    ENV_NAMES,
    CostLine,
    DatabaseHost,
    DatabaseKind,
    EnvironmentSpec,
    RepoFacts,
    ServiceSpec,
)

CostEstimator = Callable[[EnvironmentSpec], list[CostLine]]

DEFAULT_REGION = "us-east-1"
_SLUG = re.compile(r"[^a-z0-9-]+")


def _slug(name: str, fallback: str) -> str:
    slug = _SLUG.sub("-", name.lower()).strip("-")
    return slug or fallback


def _services(facts: RepoFacts) -> list[ServiceSpec]:
    services = []
    for index, app in enumerate(facts.apps):
        services.append(
            ServiceSpec(
                name=_slug(app.name, f"app{index + 1}"),
                shape="server" if app.shape.value == "server" else "static",
                port=app.port if app.port and 0 < app.port < 65536 else 8080,
                health_path=app.health_path or "/healthz",
            )
        )
    return services


def _external_provider(facts: RepoFacts) -> str | None:
    for db in facts.databases:
        if db.host == DatabaseHost.SUPABASE:
            return "supabase"
        if db.host == DatabaseHost.NEON:
            return "neon"
    return None


def _self_hosted_postgres(facts: RepoFacts) -> bool:
    # SQLite apps are moved to an RDS Postgres (DATA001), so they are priced with one, except
    # a Python app with no Postgres driver: init keeps its SQLite file and provisions no RDS.
    if keeps_sqlite(facts):
        return False
    return any(
        db.host in (DatabaseHost.SELF, DatabaseHost.LOCAL_FILE) or db.kind == DatabaseKind.SQLITE
        for db in facts.databases
    )


def environment_specs(facts: RepoFacts) -> dict[str, EnvironmentSpec]:
    """The default spec per environment, or nothing when there is no app to run."""
    if not facts.apps:
        return {}
    services = _services(facts)
    secret_names = sorted({v.name for v in facts.env_vars if not v.public and v.name})
    return {
        env: default_spec(
            project=_slug(facts.name, "app"),
            env=env,
            region=DEFAULT_REGION,
            services=services,
            secret_names=secret_names,
            self_hosted_postgres=_self_hosted_postgres(facts),
            external_provider=_external_provider(facts),
        )
        for env in ENV_NAMES
    }


def monthly_costs(
    specs: dict[str, EnvironmentSpec], estimator: CostEstimator | None
) -> dict[str, float]:
    """Env -> estimated USD per month, rounded to cents; empty without an estimator."""
    if estimator is None:
        return {}
    return {
        env: round(sum(line.monthly_usd for line in estimator(spec)), 2)
        for env, spec in specs.items()
    }
