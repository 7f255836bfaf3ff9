"""A server app on ECS Fargate behind an ALB, with its image repository and logs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder.environment.catalog import DB_SECRET_KEYS
from scaffolder.models import ServiceSpec
from scaffolder_stacks import edge
from scaffolder_stacks._common import child
from scaffolder_stacks.service_parts import assume, cpu_autoscaling, image_repository

# The first `scaffold up` runs before any image exists; deploy.yml pushes the
# real image and registers the task definitions that follow.
BOOTSTRAP_TAG = "bootstrap"


@dataclass
class ServerServiceArgs:
    prefix: str  # "<project>-<env>"
    spec: ServiceSpec
    cluster_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    alb_security_group_id: pulumi.Input[str]
    service_security_group_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    app_secret_arn: pulumi.Input[str]
    secret_names: list[str]
    rollback_alarm_names: list[str]  # alarms that roll a deployment back
    tags: dict[str, str]
    region: str
    db_secret_arn: pulumi.Input[str] | None = None
    db_environment: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    # PORT, HOST, NODE_ENV (catalog.plain_environment); PORT is the service's port.
    plain_environment: dict[str, str] = field(default_factory=dict)
    deletion_protection: bool = False
    # HTTPS (edge.py): with a domain, on the load balancer; without one, CloudFront
    # in front, with the environment's headers policy and origin secret.
    https: edge.HttpsArgs = field(default_factory=edge.HttpsArgs)


class ServerService(pulumi.ComponentResource):
    repository: aws.ecr.Repository
    load_balancer: aws.lb.LoadBalancer
    target_group: aws.lb.TargetGroup
    service: aws.ecs.Service
    task_definition: aws.ecs.TaskDefinition
    task_role: aws.iam.Role
    execution_role: aws.iam.Role
    family: str
    args_spec: ServiceSpec
    # What attaches the target group to the load balancer (the service waits for it).
    listener: aws.lb.Listener | aws.lb.ListenerRule
    distribution: aws.cloudfront.Distribution | None = None
    certificate_records: pulumi.Output[list[dict[str, str]]] | None = None
    domain: str | None = None
    # The API of a one-origin pair: the site's URL, set by the environment (serve_behind).
    site_url: pulumi.Output[str] | None = None

    def __init__(
        self, name: str, args: ServerServiceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:service:ServerService", name, None, opts)
        spec = self.args_spec = args.spec
        self.family = naming.physical_name(naming.ECS_FAMILY, args.prefix, spec.name)
        self.repository = image_repository(
            name,
            self,
            repository_name=naming.physical_name(naming.ECR_REPOSITORY, args.prefix, spec.name),
            kms_key_arn=args.kms_key_arn,
            tags=args.tags,
        )
        logs = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=naming.physical_name(naming.LOG_GROUP, args.prefix, spec.name),
            retention_in_days=spec.log_retention_days,
            kms_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=child(self),
        )
        self._roles(name, args, logs)
        self._task_definition(name, args, logs)
        self._load_balancer(name, args)
        self._service(name, args)
        outputs: dict[str, Any] = {
            "service_name": self.service.name,
            "repository_url": self.repository.repository_url,
        }
        if not args.https.behind_site:  # else the URL is the site's, known later
            outputs["url"] = self.url
        self.register_outputs(outputs)

    def stack_output(self, cluster_name: pulumi.Input[str]) -> dict[str, Any]:
        """This service's entry of StackOutputs.services."""
        spec = self.args_spec
        return {
            "name": spec.name,
            "shape": "server",
            "url": self.url,
            "health_url": pulumi.Output.concat(self.url, spec.health_path),
            "cluster_name": cluster_name,
            "service_name": self.service.name,
            "task_family": self.family,
            "ecr_repository_url": self.repository.repository_url,
            "certificate_records": self.certificate_records or [],
        }

    def serve_behind(self, site_url: pulumi.Output[str]) -> None:
        """Reached through the site's distribution (scaffolder_stacks/static_site.py, ApiRoute)."""
        self.site_url = site_url

    @property
    def url(self) -> pulumi.Output[str]:
        """Always https: the domain's, the shared site's, or CloudFront's own name."""
        if self.domain is not None:
            return pulumi.Output.from_input(f"https://{self.domain}")
        if self.site_url is not None:
            return self.site_url
        assert self.distribution is not None
        return pulumi.Output.concat("https://", self.distribution.domain_name)

    def _roles(self, name: str, args: ServerServiceArgs, logs: aws.cloudwatch.LogGroup) -> None:
        self.execution_role = aws.iam.Role(
            f"{name}-execution",
            name=naming.physical_name(naming.IAM_ROLE, args.prefix, args.spec.name, "execution"),
            assume_role_policy=assume("ecs-tasks.amazonaws.com"),
            tags=args.tags,
            opts=child(self),
        )
        secrets = [args.app_secret_arn] + ([args.db_secret_arn] if args.db_secret_arn else [])
        policy: dict[str, Any] = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Resource": self.repository.arn,
                    "Action": [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:GetDownloadUrlForLayer",
                        "ecr:BatchGetImage",
                    ],
                },
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": pulumi.Output.concat(logs.arn, ":*"),
                },
                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secrets},
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": args.kms_key_arn},
            ],
        }
        aws.iam.RolePolicy(
            f"{name}-execution",
            name=naming.physical_name(naming.IAM_POLICY, "execution"),
            role=self.execution_role.id,
            policy=pulumi.Output.json_dumps(policy),
            opts=child(self),
        )
        # The app itself gets no AWS permissions until it needs some.
        self.task_role = aws.iam.Role(
            f"{name}-task",
            name=naming.physical_name(naming.IAM_ROLE, args.prefix, args.spec.name, "task"),
            assume_role_policy=assume("ecs-tasks.amazonaws.com"),
            tags=args.tags,
            opts=child(self),
        )

    def _task_definition(
        self, name: str, args: ServerServiceArgs, logs: aws.cloudwatch.LogGroup
    ) -> None:
        spec = args.spec
        secrets: list[dict[str, pulumi.Input[str]]] = [
            {"name": key, "valueFrom": pulumi.Output.concat(args.app_secret_arn, ":", key, "::")}
            for key in sorted(args.secret_names)
        ]
        if args.db_secret_arn:
            secrets += [
                {"name": name, "valueFrom": pulumi.Output.concat(args.db_secret_arn, f":{key}::")}
                for name, key in sorted(DB_SECRET_KEYS.items())
            ]
        plain = {"PORT": str(spec.port), **args.plain_environment, **args.db_environment}
        environment = [{"name": k, "value": v} for k, v in sorted(plain.items())]
        container = {
            "name": spec.name,
            "image": pulumi.Output.concat(self.repository.repository_url, ":", BOOTSTRAP_TAG),
            "essential": True,
            "portMappings": [{"containerPort": spec.port, "protocol": "tcp"}],
            "environment": environment,
            "secrets": secrets,
            "readonlyRootFilesystem": False,
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": logs.name,
                    "awslogs-region": args.region,
                    "awslogs-stream-prefix": spec.name,
                },
            },
        }
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=self.family,
            cpu=str(spec.cpu),
            memory=str(spec.memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            container_definitions=pulumi.Output.json_dumps([container]),
            tags=args.tags,
            opts=child(self),
        )

    def _load_balancer(self, name: str, args: ServerServiceArgs) -> None:
        spec = args.spec
        https = args.https
        self.domain = https.domain
        group: pulumi.Input[str] = args.alb_security_group_id
        if self.domain is None:
            group = edge.cloudfront_only_group(
                name,
                self,
                security_group_name=naming.physical_name(
                    naming.SECURITY_GROUP, args.prefix, spec.name, "alb-cf"
                ),
                vpc_id=args.vpc_id,
                service_security_group_id=args.service_security_group_id,
                service_port=spec.port,
                tags=args.tags,
            ).id
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            name=naming.physical_name(naming.ALB, args.prefix, spec.name),
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[group],
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            tags=args.tags,
            opts=child(self),
        )
        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            # A new port replaces the group: the port in its name lets the new one
            # exist beside the old one until the listener has moved over.
            name=naming.physical_name(naming.TARGET_GROUP, args.prefix, spec.name, str(spec.port)),
            port=spec.port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=args.vpc_id,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                path=spec.health_path,
                matcher="200-399",
                interval=15,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            tags=args.tags,
            opts=child(self),
        )
        if self.domain is not None:
            self.listener, self.certificate_records = edge.domain_listeners(
                name,
                self,
                domain=self.domain,
                load_balancer=self.load_balancer,
                target_group=self.target_group,
                tags=args.tags,
            )
            return
        if https.origin_secret is None or https.headers_policy_id is None:
            raise ValueError("a server without a domain needs the origin secret and headers policy")
        self.listener = edge.cloudfront_listener(
            name,
            self,
            load_balancer=self.load_balancer,
            target_group=self.target_group,
            secret=https.origin_secret,
            keep_first=https.keep_first_secret,
            tags=args.tags,
        )
        if https.behind_site:
            return  # the site's distribution routes the API's paths here
        self.distribution = edge.server_distribution(
            name,
            self,
            comment=f"{args.prefix} {spec.name}",
            load_balancer=self.load_balancer,
            secret=https.origin_secret,
            keep_first=https.keep_first_secret,
            headers_policy_id=https.headers_policy_id,
            tags=args.tags,
        )

    def _service(self, name: str, args: ServerServiceArgs) -> None:
        spec = args.spec
        self.service = aws.ecs.Service(
            f"{name}-service",
            name=naming.physical_name(naming.ECS_SERVICE, spec.name),
            cluster=args.cluster_arn,
            task_definition=self.task_definition.arn,
            desired_count=spec.desired_count,
            launch_type="FARGATE",
            propagate_tags="SERVICE",
            enable_execute_command=False,
            health_check_grace_period_seconds=60,
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.private_subnet_ids,
                security_groups=[args.service_security_group_id],
                assign_public_ip=False,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=self.target_group.arn,
                    container_name=spec.name,
                    container_port=spec.port,
                )
            ],
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
                enable=True, rollback=True
            ),
            alarms=aws.ecs.ServiceAlarmsArgs(
                alarm_names=args.rollback_alarm_names, enable=True, rollback=True
            ),
            tags=args.tags,
            # deploy.yml owns the running task definition and autoscaling the count.
            opts=child(
                self, depends_on=[self.listener], ignore_changes=["taskDefinition", "desiredCount"]
            ),
        )
        cpu_autoscaling(name, self, args.cluster_name, self.service.name, spec)
