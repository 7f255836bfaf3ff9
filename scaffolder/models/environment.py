"""An environment's settings: infra/Pulumi.<env>.yaml -> EnvironmentSpec.

See docs/architecture.md, 'Environments'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Literal

from scaffolder.models.record import Bounds, Check, Pattern, Record

EnvName = Literal["dev", "staging", "prod"]
NatMode = Literal["gateway", "instance", "none"]
ENV_NAMES: tuple[EnvName, ...] = ("dev", "staging", "prod")


@dataclass(kw_only=True, slots=True)
class DatabaseSpec(Record):
    """An RDS Postgres the tool provisions."""

    engine_version: str = "16"
    instance_class: str = "db.t4g.micro"
    allocated_storage_gb: int = 20
    max_allocated_storage_gb: int = 100
    multi_az: bool = False
    backup_retention_days: int = 1
    point_in_time_recovery: bool = False  # continuous backup in AWS Backup (prod)
    deletion_protection: bool = False
    final_snapshot: bool = False
    performance_insights: bool = True
    database_name: str = "app"


@dataclass(kw_only=True, slots=True)
class ExternalDatabaseSpec(Record):
    """A Postgres the tool does not host (Supabase, Neon): dump-based backups."""

    provider: Literal["supabase", "neon", "other"]
    url_secret_key: str = "DATABASE_URL"  # key in the app secret holding the connection URL


_REGION = Pattern(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


@dataclass(kw_only=True, slots=True)
class BackupSpec(Record):
    schedule: str = "cron(0 3 * * ? *)"  # AWS Backup / EventBridge cron, UTC
    retention_days: int = 1
    cold_storage_after_days: int | None = None
    restore_test_schedule: str | None = None  # None: verify on demand only (dev)
    verify_window_days: int | None = None  # alarm when no verified restore for this long
    probe_sql: str = "SELECT 1"  # a user-configurable probe that must return a row
    # Copy each daily recovery point to a locked vault in this region (prod's default:
    # the paired region of scaffolder/aws_rules/regions.py); None: one region only.
    copy_region: Annotated[str, _REGION] | None = None


_HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _valid_domain(value: str | None) -> str | None:
    if value is None:
        return None
    if not _HOSTNAME.match(value):
        raise ValueError(
            f"domain {value!r} is not a lowercase host name such as app.example.com "
            "(no scheme, port, path or wildcard)"
        )
    return value


def _cidr_holds_the_subnets(value: str) -> str:
    from scaffolder.aws_rules.addressing import vpc_network

    vpc_network(value)  # ValueError: one sentence saying what is needed
    return value


# A public host name, checked when a spec is read (model_validate) and when one is built.
Domain = Annotated[str | None, Check(_valid_domain)]


@dataclass(kw_only=True, slots=True)
class ServiceSpec(Record):
    name: str  # the app's slug
    shape: Literal["server", "static"]
    port: int = 8080
    health_path: str = "/healthz"
    cpu: int = 256
    memory: int = 512
    desired_count: int = 1
    min_count: int = 1
    max_count: int = 2
    log_retention_days: int = 14
    # The public name (a server only): an ACM certificate and HTTPS on the load balancer.
    # None: the environment's `domain` if set, else CloudFront's own https name.
    domain: Domain = None

    def __post_init__(self) -> None:
        _valid_domain(self.domain)  # constructed in code too (pydantic validated it there)


# An API path CloudFront can route: "/api", "/api/v1" (no trailing slash, no wildcard).
API_PATH_PATTERN = r"^(/[A-Za-z0-9._~-]+)+$"


@dataclass(kw_only=True, slots=True)
class SiteApiSpec(Record):
    """A static site and the server its pages call (docs/provision.md, "One origin").

    With `path`, one CloudFront distribution serves both: the site is the default
    behaviour and `<path>/*` goes to the server's load balancer, so the browser
    stays on one origin (no mixed content, no CORS). Without it (the API has
    routes outside one prefix) each keeps its own distribution; `reason` says why.
    """

    site: str  # a static service's name
    api: str  # a server service's name
    path: Annotated[str, Pattern(API_PATH_PATTERN)] | None = None
    reason: str = ""  # what `scaffold init` saw in the code; `plan --details` shows it


@dataclass(kw_only=True, slots=True)
class AlarmSpec(Record):
    email: str | None = None
    webhook_url: str | None = None


@dataclass(kw_only=True, slots=True)
class CiAccessSpec(Record):
    github_repository: str  # "owner/name"
    github_environment: str  # the GitHub environment whose OIDC claim may assume the role
    # Only workflows run from this branch may assume the CI roles (job_workflow_ref).
    default_branch: str = "main"
    # Every other branch deploys here (dev, deploy.yml): the deploy role admits its
    # workflow files from any branch. The verify role still trusts default_branch only.
    branch_deploys: bool = False


@dataclass(kw_only=True, slots=True)
class EnvironmentSpec(Record):
    project: str
    environment: EnvName
    region: str = "us-east-1"
    database: DatabaseSpec | None = None
    external_database: ExternalDatabaseSpec | None = None
    services: list[ServiceSpec] = field(default_factory=list)
    secret_names: list[str] = field(default_factory=list)  # the names in .env.example
    backups: BackupSpec = field(default_factory=BackupSpec)
    alarms: AlarmSpec = field(default_factory=AlarmSpec)
    ci: CiAccessSpec | None = None
    # How private subnets reach the internet (scaffolder_stacks/network.py, docs/provision.md):
    # "gateway": `nat_gateways` managed NAT gateways; "instance": one small NAT
    # instance; "none": no egress, VPC endpoints for ECR, S3, logs, secrets, KMS, SSM.
    nat: NatMode = "gateway"
    nat_gateways: int = 1  # counts NAT gateways: only with nat "gateway"
    tags: dict[str, str] = field(default_factory=dict)
    # AWS Budgets limit (USD/month); None: 1.5x the estimate, rounded up to 10 USD.
    monthly_budget_usd: Annotated[float, Bounds(gt=0)] | None = None
    # The VPC's IPv4 block (/16 to /23); the subnets are carved from it
    # (scaffolder/aws_rules/addressing.py).
    cidr: Annotated[str, Check(_cidr_holds_the_subnets)] = "10.0.0.0/16"
    # The public name of the environment's only server (docs/provision.md, "HTTPS,
    # domains and certificates").
    domain: Domain = None
    # An SPA and its API behind one distribution (SiteApiSpec); None: each on its own.
    site_api: SiteApiSpec | None = None

    def __post_init__(self) -> None:
        # pydantic ran these on every construction; model_validate runs them here too
        # (after the field rules), and a ValueError becomes its ValidationError.
        _valid_domain(self.domain)
        _cidr_holds_the_subnets(self.cidr)
        self._nat_and_copy_agree()
        self._site_api_names_services()

    def domain_of(self, service: ServiceSpec) -> str | None:
        """The service's own domain, else the environment's for its only server."""
        if service.domain or service.shape != "server":
            return service.domain
        servers = [s for s in self.services if s.shape == "server"]
        return self.domain if len(servers) == 1 else None

    def _nat_and_copy_agree(self) -> None:
        if self.nat != "gateway" and self.nat_gateways != 0:
            raise ValueError(
                f"nat_gateways counts NAT gateways, which nat {self.nat!r} does not create: "
                "set nat_gateways to 0, or nat to 'gateway'"
            )
        if self.backups.copy_region == self.region:
            raise ValueError(
                f"backups.copy_region is the environment's own region ({self.region}): "
                "name another region, or null for no copies"
            )

    def _site_api_names_services(self) -> None:
        pair = self.site_api
        if pair is None:
            return
        shapes = {s.name: s.shape for s in self.services}
        for role, name, shape in (("site", pair.site, "static"), ("api", pair.api, "server")):
            if shapes.get(name) != shape:
                raise ValueError(
                    f"site_api.{role} is {name!r}, which is not a {shape} service of this "
                    f"environment: name one of {sorted(n for n, s in shapes.items() if s == shape)}"
                )
        health = next(s.health_path for s in self.services if s.name == pair.api)
        if pair.path is not None and health == "/":
            # "/" is the site's: CloudFront could not send the API's health check there.
            raise ValueError(
                f"site_api.path needs {pair.api}'s health check off the site's root: "
                f"set its health_path under {pair.path} (or another path), or site_api.path: null"
            )


# Key under `config:` in infra/Pulumi.<env>.yaml that holds the EnvironmentSpec.
SPEC_CONFIG_KEY = "scaffold:spec"
