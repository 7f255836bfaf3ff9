"""What an environment contains, decided from its EnvironmentSpec alone.

Pure (no pulumi import): the components build exactly what this module says,
and `scaffolder.environment.cost` prices the same list without running Pulumi,
so the offline estimate and the planned resource graph cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder.aws_rules.addressing import ZONE_COUNT
from scaffolder.aws_rules.naming import ALARM, BUDGET, physical_name
from scaffolder.models import EnvironmentSpec, ServiceSpec


def prefix(spec: EnvironmentSpec) -> str:
    """Physical-name prefix shared by every resource of the environment."""
    return f"{spec.project}-{spec.environment}"


def server_services(spec: EnvironmentSpec) -> list[ServiceSpec]:
    return [s for s in spec.services if s.shape == "server"]


def static_services(spec: EnvironmentSpec) -> list[ServiceSpec]:
    return [s for s in spec.services if s.shape == "static"]


def needs_network(spec: EnvironmentSpec) -> bool:
    """A VPC is only worth paying for when something runs inside it."""
    return bool(server_services(spec)) or spec.database is not None


@dataclass(frozen=True)
class OneOrigin:
    """A static site and its API behind one CloudFront distribution (SiteApiSpec)."""

    site: ServiceSpec
    api: ServiceSpec
    path: str  # "/api": CloudFront sends "/api/*" to the API's load balancer
    domain: str | None  # the API's domain moves to the shared distribution

    @property
    def path_patterns(self) -> list[str]:
        """The API's behaviours: its path, and its health check when that lies elsewhere,
        so `status` and the deploy's health check reach the server, not the site."""
        health = self.api.health_path
        patterns = [f"{self.path}/*"]
        if health != self.path and not health.startswith(f"{self.path}/"):
            patterns.append(health)
        return patterns


def one_origin(spec: EnvironmentSpec) -> OneOrigin | None:
    """The environment's SPA and API on one origin, when its spec says where the API lives."""
    pair = spec.site_api
    if pair is None or pair.path is None:
        return None
    by_name = {s.name: s for s in spec.services}
    api = by_name[pair.api]
    return OneOrigin(by_name[pair.site], api, pair.path, spec.domain_of(api))


def load_balancer_domain(spec: EnvironmentSpec, service: ServiceSpec) -> str | None:
    """The domain whose certificate the service's load balancer serves, if any.

    The API of a one-origin pair has none: CloudFront carries its domain.
    """
    merged = one_origin(spec)
    if merged is not None and merged.api.name == service.name:
        return None
    return spec.domain_of(service)


def site_domain(spec: EnvironmentSpec, site: ServiceSpec) -> str | None:
    """The domain a static site's distribution carries: its API's, when they share it."""
    merged = one_origin(spec)
    return merged.domain if merged is not None and merged.site.name == site.name else None


def origin_notes(spec: EnvironmentSpec) -> list[str]:
    """What `plan` says about how an SPA and its API share (or do not share) an origin."""
    pair = spec.site_api
    if pair is None:
        return []
    merged = one_origin(spec)
    if merged is not None:
        routes = " and ".join(merged.path_patterns)
        return [
            f"{pair.site} and {pair.api} share one CloudFront distribution: the site by "
            f"default, {routes} to {pair.api}'s load balancer (one https origin, no CORS)."
        ]
    why = pair.reason or "site_api.path is not set"
    return [
        f"{pair.site} and {pair.api} keep two CloudFront distributions: {why}. The site "
        f"calls {pair.api} on another origin (CORS); site_api.path (such as /api) joins them."
    ]


def nat_gateway_count(spec: EnvironmentSpec) -> int:
    if not needs_network(spec) or spec.nat != "gateway":
        return 0
    return max(0, min(spec.nat_gateways, ZONE_COUNT))


# A NAT instance (nat "instance"): fck-nat style, Graviton, Amazon Linux 2023.
NAT_INSTANCE_TYPE = "t4g.nano"
NAT_INSTANCE_VOLUME_GB = 8  # the AL2023 AMI's root volume (gp3)


def nat_instance_count(spec: EnvironmentSpec) -> int:
    """One instance serves both zones: cheap, and its zone's outage cuts egress."""
    return 1 if needs_network(spec) and spec.nat == "instance" else 0


# With nat "none": what a private Fargate task needs without internet egress. ECR's
# image layers come from S3 (a free gateway endpoint); the rest are interface
# endpoints, billed per zone: ECR's API and registry, CloudWatch Logs, Secrets
# Manager (secrets injected at start), KMS (they are encrypted with the
# environment's key) and SSM (the outputs parameter). Task credentials come from
# ECS itself, so STS is not needed.
INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "kms", "ssm")
GATEWAY_ENDPOINTS = ("s3",)


def interface_endpoints(spec: EnvironmentSpec) -> list[str]:
    """The interface endpoints (each in every private subnet) the VPC gets."""
    return list(INTERFACE_ENDPOINTS) if needs_network(spec) and spec.nat == "none" else []


def gateway_endpoints(spec: EnvironmentSpec) -> list[str]:
    return list(GATEWAY_ENDPOINTS) if needs_network(spec) and spec.nat == "none" else []


def backup_copy_region(spec: EnvironmentSpec) -> str | None:
    """Where AWS Backup copies the database's recovery points (None: no copies)."""
    return spec.backups.copy_region if spec.database is not None else None


def has_restore_testing(spec: EnvironmentSpec) -> bool:
    return spec.database is not None and spec.backups.restore_test_schedule is not None


def service_alarm_names(spec: EnvironmentSpec, service: ServiceSpec) -> dict[str, str]:
    base = prefix(spec)
    return {
        "5xx": physical_name(ALARM, base, service.name, "5xx-rate"),
        "latency": physical_name(ALARM, base, service.name, "p95-latency"),
        "unhealthy": physical_name(ALARM, base, service.name, "unhealthy-hosts"),
    }


def database_alarm_names(spec: EnvironmentSpec) -> dict[str, str]:
    if spec.database is None:
        return {}
    base = prefix(spec)
    return {
        "cpu": physical_name(ALARM, base, "db-cpu"),
        "storage": physical_name(ALARM, base, "db-free-storage"),
        "connections": physical_name(ALARM, base, "db-connections"),
    }


def backup_alarm_names(spec: EnvironmentSpec) -> dict[str, str]:
    base = prefix(spec)
    names: dict[str, str] = {}
    if spec.database is not None:
        names["backup-failed"] = physical_name(ALARM, base, "backup-jobs-failed")
    if has_restore_testing(spec):
        names["restore-failed"] = physical_name(ALARM, base, "restore-jobs-failed")
    if spec.backups.verify_window_days:
        names["not-verified"] = physical_name(ALARM, base, "no-verified-restore")
    return names


def rotation_alarm_names(spec: EnvironmentSpec) -> dict[str, str]:
    """The alarm on the Lambda that redeploys the services after a password rotation."""
    if spec.database is None or not server_services(spec):
        return {}
    return {"redeploy-failed": physical_name(ALARM, prefix(spec), "db-rotation-redeploy-failed")}


def all_alarm_names(spec: EnvironmentSpec) -> list[str]:
    names: list[str] = []
    for service in server_services(spec):
        names.extend(service_alarm_names(spec, service).values())
    names.extend(database_alarm_names(spec).values())
    names.extend(backup_alarm_names(spec).values())
    names.extend(rotation_alarm_names(spec).values())
    return names


def budget_name(spec: EnvironmentSpec) -> str:
    """The environment's AWS Budgets budget (unique per account, like the alarms)."""
    return physical_name(BUDGET, prefix(spec), "monthly-cost")


# -- what a server task's environment holds (docs/provision.md, "How the app
# reaches its database") ---------------------------------------------------

# Plain variables set by the task definition; never read from the app secret.
PLAIN_ENV_NAMES = ("HOST", "NODE_ENV", "PORT")
# Not secrets and owned by the container runtime: never injected from the app secret.
RUNTIME_ENV_NAMES = frozenset({"HOSTNAME"})
# With RDS: DB_HOST/DB_PORT/DB_NAME plain, DB_USER/DB_PASSWORD from the RDS-managed secret.
DB_PLAIN_NAMES = ("DB_HOST", "DB_NAME", "DB_PORT")
DB_SECRET_KEYS = {"DB_USER": "username", "DB_PASSWORD": "password"}
# With RDS the container composes DATABASE_URL from the DB_* variables at start.
COMPOSED_NAMES = frozenset({"DATABASE_URL"})


def plain_environment(service: ServiceSpec) -> dict[str, str]:
    """The plain (non-secret) variables every task of `service` gets."""
    # All interfaces of the task's own ENI: the ALB reaches it there, and the
    # security group admits only the ALB. Apps bound to localhost fail health checks.
    bind_all = "0.0.0.0"  # noqa: S104
    return {"HOST": bind_all, "NODE_ENV": "production", "PORT": str(service.port)}


def reserved_env_names(spec: EnvironmentSpec) -> frozenset[str]:
    """Names the platform sets, which the app secret may not shadow."""
    return reserved_env_names_for(self_hosted_database=spec.database is not None)


def reserved_env_names_for(*, self_hosted_database: bool) -> frozenset[str]:
    """The same, for callers that know only whether the environment runs RDS."""
    names = set(PLAIN_ENV_NAMES) | RUNTIME_ENV_NAMES
    if self_hosted_database:
        names |= set(DB_PLAIN_NAMES) | set(DB_SECRET_KEYS) | COMPOSED_NAMES
    return frozenset(names)


def injected_secret_names(spec: EnvironmentSpec) -> list[str]:
    """The `secret_names` tasks read from the app secret (the platform's own left out)."""
    reserved = reserved_env_names(spec)
    return sorted({name for name in spec.secret_names if name not in reserved})


def bucket_count(spec: EnvironmentSpec) -> int:
    """Backups bucket, artifacts (release ledger) bucket, one site bucket per static app,
    and with servers the load balancers' access-log bucket (scaffolder_stacks/access_logs.py)."""
    return 2 + len(static_services(spec)) + (1 if server_services(spec) else 0)


def secret_count(spec: EnvironmentSpec) -> int:
    """The app secret, plus the RDS-managed master user secret."""
    return 1 + (1 if spec.database is not None else 0)


def verify_evaluation_days(window_days: int) -> int:
    """Daily periods the "no verified restore" alarm evaluates.

    CloudWatch caps an alarm's evaluation range at 7 days. A restore verified on
    day D publishes 1 for day D; the alarm fires once the following full days all
    lack a 1, so `window - 1` breaching days means "none within `window` days".
    """
    return max(1, min(window_days - 1, 7))
