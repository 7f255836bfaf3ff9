"""Redeploy the ECS services when RDS rotates the master password they log in with.

RDS rotates the managed master secret (every 7 days by default). ECS hands a task
the secret's value once, at start, so new connections of running tasks fail from
the rotation on. An EventBridge rule on Secrets Manager's RotationSucceeded event
invokes a small Lambda (scaffolder_stacks/rotation_handler.py) that forces a new deployment
of each service; the replacement tasks start with the new password.

Why this and not a role of the app's own (created by the migration step, with a
password in its own secret): that changes who owns the schema (tables made by
migrations as the master user, used by the app role) and needs grants and
default privileges to be right for every migration tool, and its password would
still have to rotate by the same mechanism. AWS's own ECS guidance after a
rotation is a forced new deployment; this automates exactly that, with the
secret plumbing unchanged. EventBridge cannot call UpdateService itself (no ECS
"update service" target), hence the Lambda.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder_stacks._common import child
from scaffolder_stacks.alarms import metric_alarm
from scaffolder_stacks.service_parts import assume

HANDLER_FILE = Path(__file__).with_name("rotation_handler.py")
HANDLER_MODULE = "rotation_handler"

# The rotation as EventBridge sees it. Not narrowed to the secret here: where the
# ARN sits differs between event kinds (see rotation_handler._secret_ids), so the
# handler filters, and a rotation of another secret costs one short invocation.
EVENT_PATTERN: dict[str, Any] = {
    "source": ["aws.secretsmanager"],
    # RDS-managed rotation arrives as a service event; keep API-call events too.
    "detail-type": ["AWS Service Event via CloudTrail", "AWS API Call via CloudTrail"],
    "detail": {
        "eventSource": ["secretsmanager.amazonaws.com"],
        "eventName": ["RotationSucceeded"],
    },
}


@dataclass
class RotationRedeployArgs:
    prefix: str  # "<project>-<env>"
    secret_arn: pulumi.Input[str]  # the RDS-managed master secret
    cluster_name: pulumi.Input[str]
    service_names: list[pulumi.Input[str]]
    service_arns: list[pulumi.Input[str]]
    kms_key_arn: pulumi.Input[str]
    topic_arn: pulumi.Input[str]  # the alarm topic: told when a redeploy fails
    alarm_name: str  # catalog.rotation_alarm_names (the cost estimate counts it)
    tags: dict[str, str]
    log_retention_days: int = 30


class RotationRedeploy(pulumi.ComponentResource):
    function: aws.lambda_.Function
    rule: aws.cloudwatch.EventRule

    def __init__(
        self, name: str, args: RotationRedeployArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:database:RotationRedeploy", name, None, opts)
        role = aws.iam.Role(
            f"{name}-role",
            name=naming.physical_name(naming.IAM_ROLE, args.prefix, "db-rotation"),
            description="Lambda: redeploys the ECS services after an RDS password rotation",
            assume_role_policy=assume("lambda.amazonaws.com"),
            tags=args.tags,
            opts=child(self),
        )
        logs = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=naming.physical_name(naming.LOG_GROUP, args.prefix, "db-rotation"),
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=child(self),
        )
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            name=naming.physical_name(naming.IAM_POLICY, args.prefix, "db-rotation"),
            role=role.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "RedeployTheServices",
                            "Effect": "Allow",
                            "Action": ["ecs:UpdateService"],
                            "Resource": args.service_arns,
                        },
                        {
                            "Sid": "WriteItsLog",
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": [logs.arn.apply(lambda arn: f"{arn}:*")],
                        },
                    ],
                }
            ),
            opts=child(self),
        )
        self.function = aws.lambda_.Function(
            f"{name}-fn",
            name=naming.physical_name(naming.LAMBDA_FUNCTION, args.prefix, "db-rotation"),
            description="Redeploys the ECS services after RDS rotates the master password",
            runtime="python3.12",
            architectures=["arm64"],
            handler=f"{HANDLER_MODULE}.handler",
            code=pulumi.AssetArchive(
                {f"{HANDLER_MODULE}.py": pulumi.StringAsset(HANDLER_FILE.read_text("utf-8"))}
            ),
            role=role.arn,
            timeout=60,
            memory_size=128,
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables={
                    "CLUSTER": args.cluster_name,
                    "SERVICES": pulumi.Output.json_dumps(args.service_names),
                    "SECRET_ARN": args.secret_arn,
                }
            ),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="Text", log_group=logs.name
            ),
            tags=args.tags,
            # Its first invocation must find the permissions and the log group in place.
            opts=child(self, depends_on=[policy, logs]),
        )
        self.rule = aws.cloudwatch.EventRule(
            f"{name}-rule",
            name=naming.physical_name(naming.EVENT_RULE, args.prefix, "db-rotation"),
            description="RDS rotated a secret: redeploy the services that read it",
            event_pattern=json.dumps(EVENT_PATTERN),
            tags=args.tags,
            opts=child(self),
        )
        permission = aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=self.function.name,
            principal="events.amazonaws.com",
            source_arn=self.rule.arn,
            opts=child(self),
        )
        aws.cloudwatch.EventTarget(
            f"{name}-target",
            rule=self.rule.name,
            target_id=naming.physical_name(naming.EVENT_TARGET, "redeploy"),
            arn=self.function.arn,
            # A rotation long past is moot (a deploy will have happened); retry briefly.
            retry_policy=aws.cloudwatch.EventTargetRetryPolicyArgs(
                maximum_event_age_in_seconds=3600, maximum_retry_attempts=4
            ),
            opts=child(self, depends_on=[permission]),
        )
        metric_alarm(
            f"{name}-failed",
            alarm_name=args.alarm_name,
            topic_arn=args.topic_arn,
            parent=self,
            alarm_description=(
                "After an RDS password rotation the services could not be redeployed: "
                "new database connections fail until they are. Run the last deploy again."
            ),
            namespace="AWS/Lambda",
            metric_name="Errors",
            dimensions={"FunctionName": self.function.name},
            statistic="Sum",
            period=300,
            evaluation_periods=1,
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            tags=args.tags,
        )
        self.register_outputs({"function_arn": self.function.arn, "rule_arn": self.rule.arn})
