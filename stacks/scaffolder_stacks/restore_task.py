"""The restore-check task: a one-off Fargate task inside the environment's VPC.

RDS is private, and so is the temporary instance a restore check creates, so the
check cannot run on a GitHub-hosted runner. Instead `scaffold backup run|verify
--in-task` (run by backup-verify.yml) starts this task in the private subnets and
waits for it; inside, scaffold runs the same snapshot backup and restore check it
runs anywhere else (docs/architecture.md, "Operations"; docs/backup.md).

What it gets, and nothing more:
- a security group that may reach the database group on 5432 (which admits it,
  and the restored copy uses that same group) and AWS's APIs on 443;
- a task role allowed exactly the calls of the snapshot backup and restore check:
  the published outputs, the RDS master secret, snapshots of the one instance,
  `<prefix>-restore-*` instances, the backup bucket and the restore metric;
- an execution role that pulls only the restore-check image and writes only its
  log group (retention, the environment key);
- an image repository holding scaffold plus its pinned Postgres client, tagged with
  the scaffold version that provisioned the stack (built by backup-verify.yml from
  infra/restore-check/Dockerfile when the tag is missing; tags are immutable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder.models import OUTPUTS_SOURCE_ENV, PROJECT_NAME_ENV, outputs_parameter_name
from scaffolder_stacks._common import child
from scaffolder_stacks.ci_policies import RestoreTaskRefs, document, restore_check_statements
from scaffolder_stacks.network import POSTGRES_PORT
from scaffolder_stacks.service_parts import assume, image_repository

if TYPE_CHECKING:
    from scaffolder_stacks.environment import EnvironmentStack

CONTAINER_NAME = "restore-check"
# Fargate's smallest size: the check waits on RDS and runs a few catalog queries.
CPU, MEMORY = 256, 512
# ECS sends SIGTERM, then SIGKILL after this: time to delete the temporary instance.
STOP_TIMEOUT_S = 120
LOG_RETENTION_DAYS = 30


def image_tag(version: str) -> str:
    """`scaffold-<version>`, in the characters ECR allows in a tag."""
    return "scaffold-" + re.sub(r"[^A-Za-z0-9._-]", "-", version)


def scaffold_version() -> str:
    """The scaffold running this program (`scaffold up`), as `scaffold --version` says."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scaffold-prod")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0+unknown"


@dataclass
class RestoreTaskArgs:
    prefix: str  # "<project>-<env>"
    project: str
    environment: str
    region: str
    tags: dict[str, str]
    vpc_id: pulumi.Input[str]
    private_subnet_ids: list[pulumi.Output[str]]
    db_security_group_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    backup_bucket_arn: pulumi.Input[str]
    db_instance_arn: pulumi.Input[str]
    db_secret_arn: pulumi.Input[str]
    outputs_parameter_name: str
    restore_instance_prefix: str
    image_tag: str


class RestoreTask(pulumi.ComponentResource):
    repository: aws.ecr.Repository
    log_group: aws.cloudwatch.LogGroup
    security_group: aws.ec2.SecurityGroup
    task_role: aws.iam.Role
    execution_role: aws.iam.Role
    task_definition: aws.ecs.TaskDefinition
    family: str

    def __init__(
        self, name: str, args: RestoreTaskArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:backups:RestoreTask", name, None, opts)
        self.args = args
        self.family = naming.physical_name(naming.ECS_FAMILY, args.prefix, CONTAINER_NAME)
        self.repository = image_repository(
            f"{name}-image",
            self,
            repository_name=naming.physical_name(
                naming.ECR_REPOSITORY, args.prefix, CONTAINER_NAME
            ),
            kms_key_arn=args.kms_key_arn,
            tags=args.tags,
            force_delete=True,  # nothing but rebuildable images in it
        )
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=naming.physical_name(naming.LOG_GROUP, args.prefix, CONTAINER_NAME),
            retention_in_days=LOG_RETENTION_DAYS,
            kms_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=child(self),
        )
        self._security_group(name, args)
        self._roles(name, args)
        self._task_definition(name, args)
        self.register_outputs({"task_family": self.family, "image": self.image})

    @property
    def image(self) -> pulumi.Output[str]:
        return pulumi.Output.concat(self.repository.repository_url, ":", self.args.image_tag)

    def stack_output(self) -> dict[str, Any]:
        """StackOutputs.restore_task: what `--in-task` passes to ecs:RunTask."""
        return {
            "cluster_name": self.args.cluster_name,
            "task_family": self.family,
            "container_name": CONTAINER_NAME,
            "subnet_ids": self.args.private_subnet_ids,
            "security_group_ids": [self.security_group.id],
            "image": self.image,
            "log_group_name": self.log_group.name,
        }

    def refs(self) -> RestoreTaskRefs:
        """What the verify role may run, pass and watch (stacks/ci_policies.py)."""
        return RestoreTaskRefs(
            family=self.family,
            cluster_arn=self.args.cluster_arn,
            cluster_name=self.args.cluster_name,
            repository_arn=self.repository.arn,
            task_role_arn=self.task_role.arn,
            execution_role_arn=self.execution_role.arn,
            log_group_arn=self.log_group.arn,
        )

    def _security_group(self, name: str, args: RestoreTaskArgs) -> None:
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            name=naming.physical_name(naming.SECURITY_GROUP, args.prefix, CONTAINER_NAME),
            vpc_id=args.vpc_id,
            description="Restore-check task: to the database and AWS APIs only",
            tags=args.tags,
            opts=child(self),
        )
        # The live instance and the restored copy share the database group: one rule each way.
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-db-in",
            security_group_id=args.db_security_group_id,
            ip_protocol="tcp",
            from_port=POSTGRES_PORT,
            to_port=POSTGRES_PORT,
            referenced_security_group_id=self.security_group.id,
            opts=child(self),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-db",
            security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=POSTGRES_PORT,
            to_port=POSTGRES_PORT,
            referenced_security_group_id=args.db_security_group_id,
            opts=child(self),
        )
        # RDS, S3, SSM, Secrets Manager, CloudWatch, ECR: through the NAT or the endpoints.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-aws",
            security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            opts=child(self),
        )

    def _roles(self, name: str, args: RestoreTaskArgs) -> None:
        self.execution_role = aws.iam.Role(
            f"{name}-execution",
            name=naming.physical_name(naming.IAM_ROLE, args.prefix, CONTAINER_NAME, "execution"),
            assume_role_policy=assume("ecs-tasks.amazonaws.com"),
            tags=args.tags,
            opts=child(self),
        )
        pull = [
            {
                "Sid": "EcrLogin",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": "*",
            },
            {
                "Sid": "PullImage",
                "Effect": "Allow",
                "Resource": self.repository.arn,
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                ],
            },
            {
                "Sid": "WriteLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": pulumi.Output.concat(self.log_group.arn, ":*"),
            },
        ]
        aws.iam.RolePolicy(
            f"{name}-execution",
            name=naming.physical_name(naming.IAM_POLICY, "execution"),
            role=self.execution_role.id,
            policy=pulumi.Output.json_dumps(document(pull)),
            opts=child(self),
        )
        self.task_role = aws.iam.Role(
            f"{name}-task",
            name=naming.physical_name(naming.IAM_ROLE, args.prefix, CONTAINER_NAME, "task"),
            assume_role_policy=assume("ecs-tasks.amazonaws.com"),
            tags=args.tags,
            opts=child(self),
        )
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        statements = restore_check_statements(
            identity,
            region=args.region,
            kms_key_arn=args.kms_key_arn,
            backup_bucket_arn=args.backup_bucket_arn,
            db_instance_arn=args.db_instance_arn,
            db_secret_arn=args.db_secret_arn,
            outputs_parameter_name=args.outputs_parameter_name,
            restore_instance_prefix=args.restore_instance_prefix,
        )
        aws.iam.RolePolicy(
            f"{name}-task",
            name=naming.physical_name(naming.IAM_POLICY, "restore-check"),
            role=self.task_role.id,
            policy=pulumi.Output.json_dumps(document(statements)),
            opts=child(self),
        )

    def _task_definition(self, name: str, args: RestoreTaskArgs) -> None:
        environment = {
            PROJECT_NAME_ENV: args.project,
            OUTPUTS_SOURCE_ENV: "ssm",
            "AWS_REGION": args.region,
        }
        container = {
            "name": CONTAINER_NAME,
            "image": self.image,
            "essential": True,
            # Overridden per run by `--in-task`; this is what a bare RunTask does.
            "command": ["backup", "verify", args.environment],
            "environment": [{"name": k, "value": v} for k, v in sorted(environment.items())],
            "stopTimeout": STOP_TIMEOUT_S,
            "readonlyRootFilesystem": False,
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": self.log_group.name,
                    "awslogs-region": args.region,
                    "awslogs-stream-prefix": CONTAINER_NAME,
                },
            },
        }
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=self.family,
            cpu=str(CPU),
            memory=str(MEMORY),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture="X86_64"
            ),
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            container_definitions=pulumi.Output.json_dumps([container]),
            tags=args.tags,
            opts=child(self),
        )


def environment_restore_task(stack: EnvironmentStack) -> RestoreTask | None:
    """With RDS: the one-off task that backs up and checks restores inside the VPC."""
    spec, database, network = stack.spec, stack.database, stack.network
    if database is None or network is None:
        return None
    cluster = stack.ensure_cluster()
    return RestoreTask(
        f"{stack.prefix}-restore-check",
        RestoreTaskArgs(
            prefix=stack.prefix,
            project=spec.project,
            environment=spec.environment,
            region=spec.region,
            tags=stack.tags,
            vpc_id=network.vpc.id,
            private_subnet_ids=network.private_subnet_ids,
            db_security_group_id=network.db_sg.id,
            kms_key_arn=stack.key.arn,
            cluster_name=cluster.name,
            cluster_arn=cluster.arn,
            backup_bucket_arn=stack.backups.bucket.bucket.arn,
            db_instance_arn=database.instance.arn,
            db_secret_arn=database.master_secret_arn,
            outputs_parameter_name=outputs_parameter_name(spec.project, spec.environment),
            restore_instance_prefix=naming.restore_instance_prefix(stack.prefix),
            image_tag=image_tag(scaffold_version()),
        ),
        opts=child(stack),
    )
