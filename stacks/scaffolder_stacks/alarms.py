"""The alarm topic and the service / database alarms; every alarm notifies the topic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from scaffolder_stacks._common import child

# Rough max_connections at 80% for the default parameter group by instance memory.
CONNECTION_THRESHOLDS = {"micro": 80, "small": 160, "medium": 320, "large": 640}


@dataclass
class AlarmTopicArgs:
    name: str
    kms_key_arn: pulumi.Input[str]
    tags: dict[str, str]
    email: str | None = None
    webhook_url: str | None = None


class AlarmTopic(pulumi.ComponentResource):
    topic: aws.sns.Topic

    def __init__(
        self, name: str, args: AlarmTopicArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:alarms:AlarmTopic", name, None, opts)
        self.topic = aws.sns.Topic(
            name,
            name=args.name,
            kms_master_key_id=args.kms_key_arn,
            tags=args.tags,
            opts=child(self),
        )
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        account_root = pulumi.Output.concat("arn:aws:iam::", identity.account_id, ":root")
        aws.sns.TopicPolicy(
            f"{name}-policy",
            arn=self.topic.arn,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            # A topic policy replaces SNS's default one: keep the account in charge.
                            "Sid": "AccountManages",
                            "Effect": "Allow",
                            "Principal": {"AWS": account_root},
                            "Action": [
                                "sns:Publish",
                                "sns:Subscribe",
                                "sns:GetTopicAttributes",
                                "sns:SetTopicAttributes",
                                "sns:ListSubscriptionsByTopic",
                            ],
                            "Resource": self.topic.arn,
                        },
                        {
                            "Sid": "AlarmSourcesPublish",
                            "Effect": "Allow",
                            "Principal": {
                                "Service": [
                                    "cloudwatch.amazonaws.com",
                                    "events.amazonaws.com",
                                    "budgets.amazonaws.com",
                                ]
                            },
                            "Action": "sns:Publish",
                            "Resource": self.topic.arn,
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": identity.account_id}
                            },
                        },
                    ],
                }
            ),
            opts=child(self),
        )
        if args.email:
            aws.sns.TopicSubscription(
                f"{name}-email",
                topic=self.topic.arn,
                protocol="email",
                endpoint=args.email,
                opts=child(self),
            )
        if args.webhook_url:
            aws.sns.TopicSubscription(
                f"{name}-webhook",
                topic=self.topic.arn,
                protocol="https",
                # Webhook URLs usually carry a token: kept encrypted in the Pulumi state.
                endpoint=pulumi.Output.secret(args.webhook_url),
                opts=child(self),
            )
        self.register_outputs({"topic_arn": self.topic.arn})


def metric_alarm(
    name: str,
    *,
    alarm_name: str,
    topic_arn: pulumi.Input[str],
    parent: pulumi.Resource,
    **kwargs: Any,
) -> aws.cloudwatch.MetricAlarm:
    """A CloudWatch alarm that always notifies the topic, on alarm and on recovery."""
    return aws.cloudwatch.MetricAlarm(
        name,
        name=alarm_name,
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        opts=child(parent),
        **kwargs,
    )


@dataclass
class ServiceAlarmsArgs:
    names: dict[str, str]  # from scaffolder.environment.catalog.service_alarm_names
    topic_arn: pulumi.Input[str]
    load_balancer_suffix: pulumi.Input[str]
    target_group_suffix: pulumi.Input[str]
    tags: dict[str, str]
    error_rate_percent: float = 5.0
    latency_p95_seconds: float = 2.0


class ServiceAlarms(pulumi.ComponentResource):
    def __init__(
        self, name: str, args: ServiceAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:alarms:ServiceAlarms", name, None, opts)
        lb = {"LoadBalancer": args.load_balancer_suffix}
        both = {**lb, "TargetGroup": args.target_group_suffix}

        def lb_metric(metric_id: str, metric: str) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
            return aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id=metric_id,
                metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                    namespace="AWS/ApplicationELB",
                    metric_name=metric,
                    dimensions=lb,
                    period=60,
                    stat="Sum",
                ),
            )

        metric_alarm(
            f"{name}-5xx",
            alarm_name=args.names["5xx"],
            topic_arn=args.topic_arn,
            parent=self,
            alarm_description="More than 5% of requests answered 5xx for 5 minutes.",
            comparison_operator="GreaterThanThreshold",
            threshold=args.error_rate_percent,
            evaluation_periods=5,
            datapoints_to_alarm=5,
            treat_missing_data="notBreaching",
            metric_queries=[
                lb_metric("errors", "HTTPCode_Target_5XX_Count"),
                lb_metric("requests", "RequestCount"),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="rate",
                    expression="IF(requests > 0, 100 * errors / requests, 0)",
                    label="5xx rate (%)",
                    return_data=True,
                ),
            ],
            tags=args.tags,
        )
        metric_alarm(
            f"{name}-latency",
            alarm_name=args.names["latency"],
            topic_arn=args.topic_arn,
            parent=self,
            alarm_description="p95 response time above target for 5 minutes.",
            namespace="AWS/ApplicationELB",
            metric_name="TargetResponseTime",
            dimensions=lb,
            extended_statistic="p95",
            period=60,
            evaluation_periods=5,
            threshold=args.latency_p95_seconds,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            tags=args.tags,
        )
        metric_alarm(
            f"{name}-unhealthy",
            alarm_name=args.names["unhealthy"],
            topic_arn=args.topic_arn,
            parent=self,
            alarm_description="A target failed its health check for 3 minutes.",
            namespace="AWS/ApplicationELB",
            metric_name="UnHealthyHostCount",
            dimensions=both,
            statistic="Maximum",
            period=60,
            evaluation_periods=3,
            threshold=0,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            tags=args.tags,
        )
        self.register_outputs({"alarm_names": list(args.names.values())})


@dataclass(frozen=True)
class DatabaseAlarm:
    """One alarm on one RDS metric (5-minute periods); its threshold depends on the instance."""

    key: str  # in DatabaseAlarmsArgs.names, and the alarm's Pulumi name
    metric_name: str
    statistic: str
    evaluation_periods: int
    comparison: str
    description: str


DATABASE_ALARMS = (
    DatabaseAlarm(
        "cpu",
        "CPUUtilization",
        "Average",
        3,
        "GreaterThanThreshold",
        "Database CPU above 80% for 15 minutes.",
    ),
    DatabaseAlarm(
        "storage",
        "FreeStorageSpace",
        "Minimum",
        1,
        "LessThanThreshold",
        "Less than 10% of the database storage is free.",
    ),
    DatabaseAlarm(
        "connections",
        "DatabaseConnections",
        "Maximum",
        2,
        "GreaterThanThreshold",
        "Connections near the instance's limit.",
    ),
)


@dataclass
class DatabaseAlarmsArgs:
    names: dict[str, str]  # from scaffolder.environment.catalog.database_alarm_names
    topic_arn: pulumi.Input[str]
    db_identifier: pulumi.Input[str]
    instance_class: str
    allocated_storage_gb: int
    tags: dict[str, str] = field(default_factory=dict)


class DatabaseAlarms(pulumi.ComponentResource):
    def __init__(
        self, name: str, args: DatabaseAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:alarms:DatabaseAlarms", name, None, opts)
        dims = {"DBInstanceIdentifier": args.db_identifier}
        common: dict[str, Any] = {
            "namespace": "AWS/RDS",
            "dimensions": dims,
            "period": 300,
            "topic_arn": args.topic_arn,
            "parent": self,
            "tags": args.tags,
        }
        size = args.instance_class.rsplit(".", 1)[-1]
        thresholds = {
            "cpu": 80,
            "storage": args.allocated_storage_gb * 1024**3 * 0.1,
            "connections": CONNECTION_THRESHOLDS.get(size, 100),
        }
        for row in DATABASE_ALARMS:
            metric_alarm(
                f"{name}-{row.key}",
                alarm_name=args.names[row.key],
                metric_name=row.metric_name,
                statistic=row.statistic,
                evaluation_periods=row.evaluation_periods,
                threshold=thresholds[row.key],
                comparison_operator=row.comparison,
                alarm_description=row.description,
                **common,
            )
        self.register_outputs({"alarm_names": list(args.names.values())})
