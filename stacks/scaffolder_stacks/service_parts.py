"""Small pieces of the server service: ECR lifecycle, role trust, CPU autoscaling."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder.models import ServiceSpec
from scaffolder_stacks._common import child

KEEP_IMAGES = 30


def lifecycle_policy() -> str:
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "Drop untagged layers after a week",
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": 7,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"Keep the newest {KEEP_IMAGES} releases",
                    "selection": {
                        "tagStatus": "any",
                        "countType": "imageCountMoreThan",
                        "countNumber": KEEP_IMAGES,
                    },
                    "action": {"type": "expire"},
                },
            ]
        }
    )


def image_repository(
    name: str,
    parent: pulumi.Resource,
    *,
    repository_name: str,
    kms_key_arn: pulumi.Input[str],
    tags: dict[str, str],
    force_delete: bool = False,
) -> aws.ecr.Repository:
    """An ECR repository: immutable tags, scanned on push, the environment key, pruned."""
    repository = aws.ecr.Repository(
        name,
        name=repository_name,
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(
            scan_on_push=True
        ),
        encryption_configurations=[
            aws.ecr.RepositoryEncryptionConfigurationArgs(
                encryption_type="KMS", kms_key=kms_key_arn
            )
        ],
        # Left unset (not False) when off: the service repositories' inputs stay as they were.
        force_delete=True if force_delete else None,
        tags=tags,
        opts=child(parent),
    )
    aws.ecr.LifecyclePolicy(
        f"{name}-lifecycle",
        repository=repository.name,
        policy=lifecycle_policy(),
        opts=child(parent),
    )
    return repository


def assume(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}
            ],
        }
    )


def cpu_autoscaling(
    name: str,
    parent: pulumi.Resource,
    cluster_name: pulumi.Input[str],
    service_name: pulumi.Input[str],
    spec: ServiceSpec,
) -> None:
    """Between min_count and max_count tasks, aiming at 60% CPU."""
    resource_id = pulumi.Output.concat("service/", cluster_name, "/", service_name)
    target = aws.appautoscaling.Target(
        f"{name}-scaling",
        service_namespace="ecs",
        scalable_dimension="ecs:service:DesiredCount",
        resource_id=resource_id,
        min_capacity=spec.min_count,
        max_capacity=spec.max_count,
        opts=child(parent),
    )
    aws.appautoscaling.Policy(
        f"{name}-cpu-target",
        # One scalable target per service: the name only has to be unique under it.
        name=naming.physical_name(naming.SCALING_POLICY, "cpu-target"),
        policy_type="TargetTrackingScaling",
        service_namespace=target.service_namespace,
        resource_id=target.resource_id,
        scalable_dimension=target.scalable_dimension,
        target_tracking_scaling_policy_configuration=(
            aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=60,
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="ECSServiceAverageCPUUtilization"
                ),
            )
        ),
        opts=child(parent),
    )
