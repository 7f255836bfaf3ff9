"""EnvironmentStack: one environment (docs/architecture.md, 'Environments'), from the components.

`program(spec)` is what `scaffold plan` runs under Pulumi's mocks and what the
generated infra/__main__.py runs (through `run_from_config`) under the real engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder.environment import catalog
from scaffolder.environment.cost import budget_limit_usd
from scaffolder.models import (
    SPEC_CONFIG_KEY,
    EnvironmentSpec,
    ServiceSpec,
    outputs_parameter_name,
)
from scaffolder_stacks._common import (
    SecureBucket,
    SecureBucketArgs,
    account_bucket_name,
    child,
    environment_key,
)
from scaffolder_stacks.access_logs import AccessLogBucket, AccessLogBucketArgs
from scaffolder_stacks.alarms import (
    AlarmTopic,
    AlarmTopicArgs,
    DatabaseAlarms,
    DatabaseAlarmsArgs,
    ServiceAlarms,
    ServiceAlarmsArgs,
)
from scaffolder_stacks.backups import Backups, BackupsArgs
from scaffolder_stacks.budget import STACK_TAG, CostBudget, CostBudgetArgs
from scaffolder_stacks.ci_access import environment_ci_access
from scaffolder_stacks.database import Database, DatabaseArgs
from scaffolder_stacks.edge import EnvironmentHttps
from scaffolder_stacks.network import POSTGRES_PORT, Network, NetworkArgs
from scaffolder_stacks.rotation import RotationRedeploy, RotationRedeployArgs
from scaffolder_stacks.secrets import AppSecret, AppSecretArgs
from scaffolder_stacks.service import ServerService, ServerServiceArgs
from scaffolder_stacks.static_site import ApiRoute, StaticSite, StaticSiteArgs

# SSM's standard tier holds values up to 4 KB (free); the advanced tier 8 KB.
STANDARD_PARAMETER_BYTES = 4096


@dataclass
class EnvironmentStackArgs:
    spec: EnvironmentSpec
    # One GitHub OIDC provider per AWS account (see CiAccessArgs.create_provider).
    create_oidc_provider: bool = True


class EnvironmentStack(pulumi.ComponentResource):
    def __init__(
        self, name: str, args: EnvironmentStackArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:environment:EnvironmentStack", name, None, opts)
        spec = self.spec = args.spec
        prefix = catalog.prefix(spec)
        tags = {
            **spec.tags,
            "scaffold:project": spec.project,
            "scaffold:environment": spec.environment,
            STACK_TAG: prefix,
        }
        dev = spec.environment == "dev"
        self.key = environment_key(
            f"{prefix}-key",
            alias=naming.physical_name(naming.KMS_ALIAS, prefix, "key"),
            region=spec.region,
            tags=tags,
            parent=self,
        )
        self.topic = AlarmTopic(
            f"{prefix}-alarms",
            AlarmTopicArgs(
                name=naming.physical_name(naming.SNS_TOPIC, prefix, "alarms"),
                kms_key_arn=self.key.arn,
                tags=tags,
                email=spec.alarms.email,
                webhook_url=spec.alarms.webhook_url,
            ),
            opts=child(self),
        )
        topic_arn = self.topic.topic.arn
        self.budget = CostBudget(
            f"{prefix}-budget",
            CostBudgetArgs(
                name=catalog.budget_name(spec),
                stack=prefix,
                limit_usd=budget_limit_usd(spec),
                topic_arn=topic_arn,
                tags=tags,
                email=spec.alarms.email,
            ),
            opts=child(self),
        )
        self.secret = AppSecret(
            f"{prefix}-app-secret",
            AppSecretArgs(
                name=naming.physical_name(naming.SECRET, spec.project, spec.environment, "app"),
                kms_key_arn=self.key.arn,
                tags=tags,
                secret_names=catalog.injected_secret_names(spec),
                recovery_window_days=7 if dev else 30,
            ),
            opts=child(self),
        )
        self.artifacts = SecureBucket(
            f"{prefix}-artifacts",
            SecureBucketArgs(
                tags=tags,
                bucket_name=account_bucket_name(prefix, "artifacts", self),
                kms_key_arn=self.key.arn,
                force_destroy=dev,
            ),
            opts=child(self),
        )

        self.https = EnvironmentHttps(spec, prefix, self)  # scaffolder_stacks/edge.py
        self.network: Network | None = None
        if catalog.needs_network(spec):
            self.network = Network(
                f"{prefix}-net",
                NetworkArgs(
                    name=prefix,
                    region=spec.region,
                    nat_gateways=catalog.nat_gateway_count(spec),
                    nat=spec.nat,
                    interface_endpoints=catalog.interface_endpoints(spec),
                    gateway_endpoints=catalog.gateway_endpoints(spec),
                    tags=tags,
                    service_ports=[s.port for s in catalog.server_services(spec)],
                    cidr=spec.cidr,
                ),
                opts=child(self),
            )
        self.database: Database | None = None
        if spec.database is not None and self.network is not None:
            self.database = Database(
                f"{prefix}-db",
                DatabaseArgs(
                    identifier=naming.physical_name(naming.RDS_INSTANCE, prefix, "db"),
                    spec=spec.database,
                    subnet_ids=self.network.private_subnet_ids,
                    security_group_id=self.network.db_sg.id,
                    kms_key_arn=self.key.arn,
                    tags=tags,
                ),
                opts=child(self),
            )
            DatabaseAlarms(
                f"{prefix}-db-alarms",
                DatabaseAlarmsArgs(
                    names=catalog.database_alarm_names(spec),
                    topic_arn=topic_arn,
                    db_identifier=self.database.instance.identifier,
                    instance_class=spec.database.instance_class,
                    allocated_storage_gb=spec.database.allocated_storage_gb,
                    tags=tags,
                ),
                opts=child(self),
            )
        self.servers = self._servers(prefix, tags)
        if self.database is not None and self.servers:
            # RDS rotates the password the tasks were started with: replace the tasks.
            RotationRedeploy(
                f"{prefix}-db-rotation",
                RotationRedeployArgs(
                    prefix=prefix,
                    secret_arn=self.database.master_secret_arn,
                    cluster_name=self.cluster.name,
                    service_names=[s.service.name for s in self.servers],
                    service_arns=[s.service.id for s in self.servers],
                    kms_key_arn=self.key.arn,
                    topic_arn=topic_arn,
                    alarm_name=catalog.rotation_alarm_names(spec)["redeploy-failed"],
                    tags=tags,
                ),
                opts=child(self),
            )
        self.statics = [
            StaticSite(
                f"{prefix}-{s.name}",
                StaticSiteArgs(
                    prefix,
                    s.name,
                    tags,
                    dev,
                    self.https.headers_policy_id,
                    self._api_route(s),
                    catalog.site_domain(spec, s),
                    spec.region,
                ),
                opts=child(self),
            )
            for s in catalog.static_services(spec)
        ]
        self._serve_api_behind_its_site()
        self.backups = Backups(
            f"{prefix}-backups",
            BackupsArgs(
                prefix=prefix,
                environment=spec.environment,
                spec=spec.backups,
                alarm_names=catalog.backup_alarm_names(spec),
                kms_key_arn=self.key.arn,
                topic_arn=topic_arn,
                tags=tags,
                db_arn=self.database.instance.arn if self.database else None,
                db_subnet_group_name=self.database.subnet_group.name if self.database else None,
                db_security_group_id=self.network.db_sg.id if self.network else None,
                point_in_time_recovery=bool(spec.database and spec.database.point_in_time_recovery),
                force_destroy_bucket=dev,
                copy_region=catalog.backup_copy_region(spec),
            ),
            opts=child(self),
        )
        self.ci = environment_ci_access(self, prefix, tags, args.create_oidc_provider)
        self.outputs_parameter = self._publish_outputs(prefix, tags)
        self.register_outputs(self.outputs())

    def _servers(self, prefix: str, tags: dict[str, str]) -> list[ServerService]:
        spec = self.spec
        services = catalog.server_services(spec)
        if not services or self.network is None:
            return []
        net = self.network
        self.cluster = aws.ecs.Cluster(
            f"{prefix}-cluster",
            name=naming.physical_name(naming.ECS_CLUSTER, prefix),
            tags=tags,
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            opts=child(self),
        )
        logs = AccessLogBucket(
            f"{prefix}-alb-logs",
            AccessLogBucketArgs(prefix, spec.region, tags, force_destroy=spec.environment == "dev"),
            opts=child(self),
        )
        db_env: dict[str, pulumi.Input[str]] = {}
        if self.database is not None and spec.database is not None:
            db_env = {
                "DB_HOST": self.database.instance.address,
                "DB_PORT": str(POSTGRES_PORT),
                "DB_NAME": spec.database.database_name,
            }
        result = []
        for s in services:
            names = catalog.service_alarm_names(spec, s)
            server = ServerService(
                f"{prefix}-{s.name}",
                ServerServiceArgs(
                    prefix=prefix,
                    spec=s,
                    cluster_arn=self.cluster.arn,
                    cluster_name=self.cluster.name,
                    vpc_id=net.vpc.id,
                    public_subnet_ids=net.public_subnet_ids,
                    private_subnet_ids=net.private_subnet_ids,
                    alb_security_group_id=net.alb_sg.id,
                    service_security_group_id=net.service_sg.id,
                    kms_key_arn=self.key.arn,
                    app_secret_arn=self.secret.secret.arn,
                    secret_names=catalog.injected_secret_names(spec),
                    rollback_alarm_names=[names["5xx"], names["unhealthy"]],
                    tags=tags,
                    region=spec.region,
                    db_secret_arn=self.database.master_secret_arn if self.database else None,
                    db_environment=db_env,
                    plain_environment=catalog.plain_environment(s),
                    deletion_protection=spec.environment == "prod",
                    https=self.https.for_service(s),
                ),
                opts=child(self, transformations=[logs.enable_on_load_balancers()]),
            )
            ServiceAlarms(
                f"{prefix}-{s.name}-alarms",
                ServiceAlarmsArgs(
                    names=names,
                    topic_arn=self.topic.topic.arn,
                    load_balancer_suffix=server.load_balancer.arn_suffix,
                    target_group_suffix=server.target_group.arn_suffix,
                    tags=tags,
                ),
                opts=child(self),
            )
            result.append(server)
        return result

    def _api_route(self, site: ServiceSpec) -> ApiRoute | None:
        """The API sharing `site`'s distribution (catalog.one_origin), if any."""
        merged = catalog.one_origin(self.spec)
        if merged is None or merged.site.name != site.name:
            return None
        (server,) = [x for x in self.servers if x.args_spec.name == merged.api.name]
        secret = self.https.origin_secret
        if secret is None:
            raise ValueError("an API behind its site's distribution needs the origin secret")
        return ApiRoute(
            merged.api.name,
            server.load_balancer,
            secret,
            merged.path_patterns,
            self.https.generated,
        )

    def _serve_api_behind_its_site(self) -> None:
        merged = catalog.one_origin(self.spec)
        if merged is None:
            return
        (site,) = [x for x in self.statics if x.service_name == merged.site.name]
        for server in self.servers:
            if server.args_spec.name == merged.api.name:
                server.serve_behind(site.url)

    def _publish_outputs(self, prefix: str, tags: dict[str, str]) -> aws.ssm.Parameter:
        """The outputs as one SSM SecureString, so CI reads them without Pulumi state.

        One JSON parameter rather than one per field: a single GetParameter, one ARN
        to grant the deploy role, and a reader never sees half of an update. The size
        depends on the project's name length and service count (0.8 to 2 KB, plus 0.3
        to 0.7 KB per service), so the tier follows the value: standard (free) while
        it fits 4 KB, advanced (8 KB, USD 0.05 a month) beyond.
        """
        spec = self.spec
        value = pulumi.Output.json_dumps(self.outputs(), separators=(",", ":"))
        return aws.ssm.Parameter(
            f"{prefix}-outputs",
            name=outputs_parameter_name(spec.project, spec.environment),
            description=f"Stack outputs of {prefix} (written by scaffold up; read by CI)",
            type="SecureString",
            key_id=self.key.arn,
            value=value,
            tier=value.apply(
                lambda v: "Standard" if len(v.encode()) <= STANDARD_PARAMETER_BYTES else "Advanced"
            ),
            tags=tags,
            # AWS refuses to move a parameter back to the standard tier; replacing it
            # under the same name needs the old one gone first.
            opts=child(self, delete_before_replace=True),
        )

    def outputs(self) -> dict[str, Any]:
        """One value per StackOutputs field (None fields left out)."""
        spec = self.spec
        services = [server.stack_output(self.cluster.name) for server in self.servers]
        services += [site.stack_output() for site in self.statics]
        values: dict[str, Any] = {
            "project": spec.project,
            "environment": spec.environment,
            "region": spec.region,
            "services": services,
            "backup_bucket_name": self.backups.bucket.bucket.bucket,
            "artifacts_bucket_name": self.artifacts.bucket.bucket,
            "kms_key_arn": self.key.arn,
            "app_secret_arn": self.secret.secret.arn,
            "alarm_topic_arn": self.topic.topic.arn,
        }
        if self.database is not None and self.network is not None and spec.database:
            values |= {
                "db_instance_identifier": self.database.instance.identifier,
                "db_secret_arn": self.database.master_secret_arn,
                "db_security_group_id": self.network.db_sg.id,
                "db_subnet_group_name": self.database.subnet_group.name,
                "db_name": spec.database.database_name,
            }
        if self.backups.vault is not None:
            values["backup_vault_name"] = self.backups.vault.name
        if self.ci is not None:
            values["deploy_role_arn"] = self.ci.role.arn
            if self.ci.verify_role is not None:
                values["verify_role_arn"] = self.ci.verify_role.arn
        return values


def program(spec: EnvironmentSpec, *, create_oidc_provider: bool = True) -> dict[str, Any]:
    """Build the environment and export one stack output per StackOutputs field."""
    stack = EnvironmentStack(
        catalog.prefix(spec),
        EnvironmentStackArgs(spec=spec, create_oidc_provider=create_oidc_provider),
    )
    outputs = stack.outputs()
    for key, value in outputs.items():
        pulumi.export(key, value)
    return outputs


def spec_from_config() -> EnvironmentSpec:
    """The EnvironmentSpec stored under `scaffold:spec` (plus `aws:region`)."""
    namespace, key = SPEC_CONFIG_KEY.split(":", 1)
    raw: dict[str, Any] = dict(pulumi.Config(namespace).require_object(key))
    region = pulumi.Config("aws").get("region")
    if region and "region" not in raw:
        raw["region"] = region
    return EnvironmentSpec.model_validate(raw)


def run_from_config() -> dict[str, Any]:
    """Entry point of the generated infra/__main__.py; returns the exported outputs."""
    create = pulumi.Config("scaffold").get_bool("createOidcProvider")
    return program(spec_from_config(), create_oidc_provider=True if create is None else create)
