"""The environment specs the stack tests run: a server app on RDS and a Supabase SPA."""

from __future__ import annotations

from scaffolder.environment.spec import default_spec
from scaffolder.models import EnvironmentSpec, EnvName, ServiceSpec

REPOSITORY = "acme/notes"


def server_spec(env: EnvName) -> EnvironmentSpec:
    return default_spec(
        project="notes",
        env=env,
        region="us-east-1",
        services=[ServiceSpec(name="api", shape="server", port=3000, health_path="/health")],
        secret_names=["SESSION_SECRET", "STRIPE_KEY"],
        self_hosted_postgres=True,
        alarm_email="ops@example.com",
        github_repository=REPOSITORY,
    )


def static_spec(env: EnvName) -> EnvironmentSpec:
    return default_spec(
        project="spa",
        env=env,
        region="eu-west-1",
        services=[ServiceSpec(name="web", shape="static")],
        secret_names=["SUPABASE_SERVICE_ROLE_KEY"],
        self_hosted_postgres=False,
        external_provider="supabase",
        alarm_email="ops@example.com",
        github_repository="acme/spa",
    )
