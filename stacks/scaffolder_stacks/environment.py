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
from scaffolder_stacks.restore_task import environment_restore_task
from scaffolder_stacks.rotation import RotationRedeploy, RotationRedeployArgs
from scaffolder_stacks.secrets import AppSecret, AppSecretArgs
from scaffolder_stacks.service import ServerService, ServerServiceArgs
from scaffolder_stacks.stack_outputs import publish_outputs, stack_outputs
from scaffolder_stacks.static_site import ApiRoute, StaticSite, StaticSiteArgs


@dataclass
class EnvironmentStackArgs:
    spec: EnvironmentSpec
    # One GitHub OIDC provider per AWS account (see CiAccessArgs.create_provider).
    create_oidc_provider: bool = True


class EnvironmentStack(pulumi.ComponentResource):
    """One environment, built by named steps; each adds one concern's components.

    Every component is a child of this stack with the name it always had, so the
    steps' order and grouping change no URN.
    """

    def __init__(
        self, name: str, args: EnvironmentStackArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:environment:EnvironmentStack", name, None, opts)
        spec = self.spec = args.spec
        self.prefix = catalog.prefix(spec)
        self.tags = {
            **spec.tags,
            "scaffold:project": spec.project,
            "scaffold:environment": spec.environment,
            STACK_TAG: self.prefix,
        }
        self.dev = spec.environment == "dev"
        self.key = self._environment_key()
        self.topic = self._alarm_topic()
        self.budget = self._budget()
        self.secret = self._app_secret()
        self.artifacts = self._artifacts_bucket()
        self.https = EnvironmentHttps(spec, self.prefix, self)  # scaffolder_stacks/edge.py
        self.network = self._network()
        self.database = self._database()
        self.servers = self._servers(self.prefix, self.tags)
        self._redeploy_on_password_rotation()
        self.statics = self._static_sites()
        self._serve_api_behind_its_site()
        self.backups = self._backups()
        self.restore_task = environment_restore_task(self)  # scaffolder_stacks/restore_task.py
        self.ci = environment_ci_access(self, self.prefix, self.tags, args.create_oidc_provider)
        self.outputs_parameter = publish_outputs(self)
        self.register_outputs(self.outputs())

    def _environment_key(self) -> aws.kms.Key:
        return environment_key(
            f"{self.prefix}-key",
            alias=naming.physical_name(naming.KMS_ALIAS, self.prefix, "key"),
            region=self.spec.region,
            tags=self.tags,
            parent=self,
        )

    def _alarm_topic(self) -> AlarmTopic:
        return AlarmTopic(
            f"{self.prefix}-alarms",
            AlarmTopicArgs(
                name=naming.physical_name(naming.SNS_TOPIC, self.prefix, "alarms"),
                kms_key_arn=self.key.arn,
                tags=self.tags,
                email=self.spec.alarms.email,
                webhook_url=self.spec.alarms.webhook_url,
            ),
            opts=child(self),
        )

    def _budget(self) -> CostBudget:
        return CostBudget(
            f"{self.prefix}-budget",
            CostBudgetArgs(
                name=catalog.budget_name(self.spec),
                stack=self.prefix,
                limit_usd=budget_limit_usd(self.spec),
                topic_arn=self.topic.topic.arn,
                tags=self.tags,
                email=self.spec.alarms.email,
            ),
            opts=child(self),
        )

    def _app_secret(self) -> AppSecret:
        spec = self.spec
        return AppSecret(
            f"{self.prefix}-app-secret",
            AppSecretArgs(
                name=naming.physical_name(naming.SECRET, spec.project, spec.environment, "app"),
                kms_key_arn=self.key.arn,
                tags=self.tags,
                secret_names=catalog.injected_secret_names(spec),
                recovery_window_days=7 if self.dev else 30,
            ),
            opts=child(self),
        )

    def _artifacts_bucket(self) -> SecureBucket:
        return SecureBucket(
            f"{self.prefix}-artifacts",
            SecureBucketArgs(
                tags=self.tags,
                bucket_name=account_bucket_name(self.prefix, "artifacts", self),
                kms_key_arn=self.key.arn,
                force_destroy=self.dev,
            ),
            opts=child(self),
        )

    def _network(self) -> Network | None:
        spec = self.spec
        if not catalog.needs_network(spec):
            return None
        return Network(
            f"{self.prefix}-net",
            NetworkArgs(
                name=self.prefix,
                region=spec.region,
                nat_gateways=catalog.nat_gateway_count(spec),
                nat=spec.nat,
                interface_endpoints=catalog.interface_endpoints(spec),
                gateway_endpoints=catalog.gateway_endpoints(spec),
                tags=self.tags,
                service_ports=[s.port for s in catalog.server_services(spec)],
                cidr=spec.cidr,
            ),
            opts=child(self),
        )

    def _database(self) -> Database | None:
        spec, prefix = self.spec, self.prefix
        if spec.database is None or self.network is None:
            return None
        database = Database(
            f"{prefix}-db",
            DatabaseArgs(
                identifier=naming.physical_name(naming.RDS_INSTANCE, prefix, "db"),
                spec=spec.database,
                subnet_ids=self.network.private_subnet_ids,
                security_group_id=self.network.db_sg.id,
                kms_key_arn=self.key.arn,
                tags=self.tags,
            ),
            opts=child(self),
        )
        DatabaseAlarms(
            f"{prefix}-db-alarms",
            DatabaseAlarmsArgs(
                names=catalog.database_alarm_names(spec),
                topic_arn=self.topic.topic.arn,
                db_identifier=database.instance.identifier,
                instance_class=spec.database.instance_class,
                allocated_storage_gb=spec.database.allocated_storage_gb,
                tags=self.tags,
            ),
            opts=child(self),
        )
        return database

    def _redeploy_on_password_rotation(self) -> None:
        """RDS rotates the password the tasks were started with: replace the tasks."""
        if self.database is None or not self.servers:
            return
        RotationRedeploy(
            f"{self.prefix}-db-rotation",
            RotationRedeployArgs(
                prefix=self.prefix,
                secret_arn=self.database.master_secret_arn,
                cluster_name=self.cluster.name,
                service_names=[s.service.name for s in self.servers],
                service_arns=[s.service.id for s in self.servers],
                kms_key_arn=self.key.arn,
                topic_arn=self.topic.topic.arn,
                alarm_name=catalog.rotation_alarm_names(self.spec)["redeploy-failed"],
                tags=self.tags,
            ),
            opts=child(self),
        )

    def _static_sites(self) -> list[StaticSite]:
        spec, prefix = self.spec, self.prefix
        return [
            StaticSite(
                f"{prefix}-{s.name}",
                StaticSiteArgs(
                    prefix,
                    s.name,
                    self.tags,
                    self.dev,
                    self.https.headers_policy_id,
                    self._api_route(s),
                    catalog.site_domain(spec, s),
                    spec.region,
                ),
                opts=child(self),
            )
            for s in catalog.static_services(spec)
        ]

    def _backups(self) -> Backups:
        spec, database, network = self.spec, self.database, self.network
        return Backups(
            f"{self.prefix}-backups",
            BackupsArgs(
                prefix=self.prefix,
                environment=spec.environment,
                spec=spec.backups,
                alarm_names=catalog.backup_alarm_names(spec),
                kms_key_arn=self.key.arn,
                topic_arn=self.topic.topic.arn,
                tags=self.tags,
                db_arn=database.instance.arn if database else None,
                db_subnet_group_name=database.subnet_group.name if database else None,
                db_security_group_id=network.db_sg.id if network else None,
                point_in_time_recovery=bool(spec.database and spec.database.point_in_time_recovery),
                force_destroy_bucket=self.dev,
                copy_region=catalog.backup_copy_region(spec),
            ),
            opts=child(self),
        )

    def _servers(self, prefix: str, tags: dict[str, str]) -> list[ServerService]:
        spec = self.spec
        services = catalog.server_services(spec)
        if not services or self.network is None:
            return []
        net, _ = self.network, self.ensure_cluster()
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

    def ensure_cluster(self) -> aws.ecs.Cluster:  # the services' and the restore task's
        if getattr(self, "cluster", None) is None:
            self.cluster = aws.ecs.Cluster(
                f"{self.prefix}-cluster",
                name=naming.physical_name(naming.ECS_CLUSTER, self.prefix),
                tags=self.tags,
                settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
                opts=child(self),
            )
        return self.cluster

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

    def outputs(self) -> dict[str, Any]:
        """One value per StackOutputs field (None fields left out)."""
        return stack_outputs(self)


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
