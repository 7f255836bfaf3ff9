"""AWS's own limits on the names the stacks send, read from botocore's service models.

Independent of `scaffolder/aws_rules/naming.py` on purpose: the graph test holds the names
that module produces to what the AWS APIs declare. Where a model carries
`min`, `max` and `pattern` for the member, those are used. Where it does not
(ELB, RDS, ECS, SNS, EC2, CloudFront, parts of Backup), the limit is the one
the member's own documentation in the same model states, and `evidence` is a
phrase of that documentation which the test requires to be there, so a change
on AWS's side shows up as a failing test rather than a stale number. S3's model
carries neither: its entry is the documented rule (3 to 63 characters,
lowercase letters, digits, hyphens and dots, starting and ending with a letter
or digit; https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.loaders import Loader

# pattern: a Python regex the whole name must match (Java syntax translated).
LETTERS_DIGITS_HYPHENS_EDGES = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
RDS_IDENTIFIER = r"[A-Za-z](?:-?[A-Za-z0-9])*"  # a letter first, no "--", no trailing "-"


@dataclass(frozen=True)
class Limit:
    min: int
    max: int
    pattern: str | None
    source: str  # "service.Operation.Member" of the botocore model, or a URL
    forbidden_prefixes: tuple[str, ...] = ()

    def problems(self, name: str) -> list[str]:
        found = []
        if not self.min <= len(name) <= self.max:
            found.append(f"{len(name)} characters, not {self.min}..{self.max}")
        if self.pattern is not None and not _compiled(self.pattern).fullmatch(name):
            found.append(f"does not match {self.pattern}")
        if name.startswith(self.forbidden_prefixes):
            found.append(f"starts with one of {self.forbidden_prefixes}")
        return found


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """Java regex as botocore carries it -> Python (ASCII \\w, as in Java)."""
    flags = re.ASCII
    if "(?i)" in pattern:  # Budgets: a case-insensitive tail; Python wants flags up front
        pattern, flags = pattern.replace("(?i)", ""), flags | re.IGNORECASE
    pattern = pattern.replace(r"\p{Print}", r"[\x20-\x7E]")
    return re.compile(pattern, flags)


@cache
def _model(service: str) -> dict[str, Any]:
    model: dict[str, Any] = Loader().load_service_model(service, "service-2")
    return model


def member(service: str, operation: str, *path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the member's reference, with its documentation; its shape) in the botocore model."""
    shapes = _model(service)["shapes"]
    shape = shapes[_model(service)["operations"][operation]["input"]["shape"]]
    ref: dict[str, Any] = {}
    for name in path:
        ref = shape["members"][name]
        shape = shapes[ref["shape"]]
        if shape.get("type") == "list":
            shape = shapes[shape["member"]["shape"]]
    return ref, shape


def modelled(service: str, operation: str, *path: str, pattern: str | None = None) -> Limit:
    """Min, max and pattern as the model declares them (`pattern` where it has none)."""
    _, shape = member(service, operation, *path)
    return Limit(
        min=int(shape.get("min", 1)),
        max=int(shape["max"]),
        pattern=shape.get("pattern", pattern),
        source=".".join((service, operation, *path)),
    )


@dataclass(frozen=True)
class Documented:
    """A limit stated in the member's documentation string of the botocore model."""

    limit: Limit
    evidence: str  # a phrase the documentation must contain


def documented(
    service: str,
    operation: str,
    *path: str,
    min: int = 1,
    max: int,
    pattern: str,
    evidence: str,
    forbidden_prefixes: tuple[str, ...] = (),
) -> Documented:
    source = ".".join((service, operation, *path))
    return Documented(Limit(min, max, pattern, source, forbidden_prefixes), evidence)


def documentation(source: str) -> str:
    service, operation, *path = source.split(".")
    ref, _ = member(service, operation, *path)
    return str(ref.get("documentation", ""))


def _backup_pattern(service: str, operation: str, *path: str) -> Limit:
    """Backup's vault and selection names carry their length inside the pattern."""
    _, shape = member(service, operation, *path)
    pattern = str(shape["pattern"]).strip("^$")
    low, high = (int(n) for n in re.findall(r"\{(\d+),(\d+)\}", pattern)[0])
    return Limit(low, high, pattern, ".".join((service, operation, *path)))


ECS_NAME = r"[A-Za-z0-9_-]+"
ECS_EVIDENCE = "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens"


def limits() -> dict[tuple[str, str], Limit | Documented]:
    """(Pulumi resource type, input property) -> the limit AWS puts on that name."""
    return {
        ("aws:lb/loadBalancer:LoadBalancer", "name"): documented(
            "elbv2",
            "CreateLoadBalancer",
            "Name",
            max=32,
            pattern=LETTERS_DIGITS_HYPHENS_EDGES,
            evidence="maximum of 32 characters",
            forbidden_prefixes=("internal-",),
        ),
        ("aws:lb/targetGroup:TargetGroup", "name"): documented(
            "elbv2",
            "CreateTargetGroup",
            "Name",
            max=32,
            pattern=LETTERS_DIGITS_HYPHENS_EDGES,
            evidence="maximum of 32 characters",
        ),
        ("aws:iam/role:Role", "name"): modelled("iam", "CreateRole", "RoleName"),
        ("aws:iam/role:Role", "description"): modelled("iam", "CreateRole", "Description"),
        ("aws:iam/rolePolicy:RolePolicy", "name"): modelled("iam", "PutRolePolicy", "PolicyName"),
        ("aws:s3/bucket:Bucket", "bucket"): Limit(
            3,
            63,
            r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?",
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
            forbidden_prefixes=("xn--", "sthree-", "amzn-s3-demo-"),
        ),
        ("aws:cloudwatch/eventRule:EventRule", "name"): modelled("events", "PutRule", "Name"),
        ("aws:cloudwatch/eventTarget:EventTarget", "targetId"): modelled(
            "events", "PutTargets", "Targets", "Id"
        ),
        ("aws:cloudfront/originAccessControl:OriginAccessControl", "name"): documented(
            "cloudfront",
            "CreateOriginAccessControl",
            "OriginAccessControlConfig",
            "Name",
            max=64,
            pattern=r".+",
            evidence="up to 64 characters",
        ),
        ("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "name"): documented(
            "cloudfront",
            "CreateResponseHeadersPolicy",
            "ResponseHeadersPolicyConfig",
            "Name",
            max=128,
            pattern=r"[A-Za-z0-9_-]+",
            # The length: CloudFront quotas, "Response headers policies" (128 characters).
            evidence="A name to identify the response headers policy.",
        ),
        ("aws:cloudfront/function:Function", "name"): modelled(
            "cloudfront", "CreateFunction", "Name"
        ),
        ("aws:backup/vault:Vault", "name"): _backup_pattern(
            "backup", "CreateBackupVault", "BackupVaultName"
        ),
        ("aws:backup/plan:Plan", "name"): documented(
            "backup",
            "CreateBackupPlan",
            "BackupPlan",
            "BackupPlanName",
            max=50,
            pattern=r"[a-zA-Z0-9._-]+",
            evidence="1 to 50 alphanumeric or '-_.' characters",
        ),
        ("aws:backup/selection:Selection", "name"): _backup_pattern(
            "backup", "CreateBackupSelection", "BackupSelection", "SelectionName"
        ),
        ("aws:backup/restoreTestingPlan:RestoreTestingPlan", "name"): documented(
            "backup",
            "CreateRestoreTestingPlan",
            "RestoreTestingPlan",
            "RestoreTestingPlanName",
            # The plan's documentation gives the characters; 50 is the selection's
            # stated maximum, the same as every other AWS Backup name.
            max=50,
            pattern=r"[A-Za-z0-9_]+",
            evidence="only alphanumeric characters and underscores",
        ),
        ("aws:backup/restoreTestingSelection:RestoreTestingSelection", "name"): documented(
            "backup",
            "CreateRestoreTestingSelection",
            "RestoreTestingSelection",
            "RestoreTestingSelectionName",
            max=50,
            pattern=r"[A-Za-z0-9_]+",
            evidence="Maximum length is 50",
        ),
        ("aws:rds/instance:Instance", "identifier"): documented(
            "rds",
            "CreateDBInstance",
            "DBInstanceIdentifier",
            max=63,
            pattern=RDS_IDENTIFIER,
            evidence="1 to 63 letters, numbers, or hyphens",
        ),
        ("aws:rds/instance:Instance", "finalSnapshotIdentifier"): documented(
            "rds",
            "CreateDBSnapshot",
            "DBSnapshotIdentifier",
            max=255,
            pattern=RDS_IDENTIFIER,
            evidence="1 to 255 letters, numbers, or hyphens",
        ),
        ("aws:rds/subnetGroup:SubnetGroup", "name"): documented(
            "rds",
            "CreateDBSubnetGroup",
            "DBSubnetGroupName",
            max=255,
            pattern=r"[A-Za-z][A-Za-z0-9._ -]*",
            evidence="no more than 255 letters, numbers, periods, underscores, spaces, or hyphens",
        ),
        ("aws:rds/parameterGroup:ParameterGroup", "name"): documented(
            "rds",
            "CreateDBParameterGroup",
            "DBParameterGroupName",
            max=255,
            pattern=RDS_IDENTIFIER,
            evidence="1 to 255 letters, numbers, or hyphens",
        ),
        ("aws:secretsmanager/secret:Secret", "name"): modelled(
            "secretsmanager", "CreateSecret", "Name", pattern=r"[A-Za-z0-9/_+=.@-]+"
        ),
        ("aws:cloudwatch/logGroup:LogGroup", "name"): modelled(
            "logs", "CreateLogGroup", "logGroupName"
        ),
        ("aws:ecs/cluster:Cluster", "name"): documented(
            "ecs",
            "CreateCluster",
            "clusterName",
            max=255,
            pattern=ECS_NAME,
            evidence=ECS_EVIDENCE,
        ),
        ("aws:ecs/service:Service", "name"): documented(
            "ecs",
            "CreateService",
            "serviceName",
            max=255,
            pattern=ECS_NAME,
            evidence=ECS_EVIDENCE,
        ),
        ("aws:ecs/taskDefinition:TaskDefinition", "family"): documented(
            "ecs",
            "RegisterTaskDefinition",
            "family",
            max=255,
            pattern=ECS_NAME,
            evidence=ECS_EVIDENCE,
        ),
        ("aws:ecr/repository:Repository", "name"): modelled(
            "ecr", "CreateRepository", "repositoryName"
        ),
        ("aws:sns/topic:Topic", "name"): documented(
            "sns",
            "CreateTopic",
            "Name",
            max=256,
            pattern=r"[A-Za-z0-9_-]+",
            evidence="between 1 and 256 characters long",
        ),
        ("aws:kms/alias:Alias", "name"): modelled("kms", "CreateAlias", "AliasName"),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", "name"): modelled(
            "cloudwatch", "PutMetricAlarm", "AlarmName"
        ),
        ("aws:ssm/parameter:Parameter", "name"): documented(
            "ssm",
            "PutParameter",
            "Name",
            # 1011 less the ARN in front of the name (about 45 characters).
            max=1011 - 60,
            pattern=r"/?[a-zA-Z0-9_.-]+(?:/[a-zA-Z0-9_.-]+)*",
            evidence="only the following symbols and letters: <code>a-zA-Z0-9_.-</code>",
        ),
        ("aws:budgets/budget:Budget", "name"): modelled(
            "budgets", "CreateBudget", "Budget", "BudgetName"
        ),
        ("aws:ec2/securityGroup:SecurityGroup", "name"): documented(
            "ec2",
            "CreateSecurityGroup",
            "GroupName",
            max=255,
            pattern=r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+",
            evidence="Up to 255 characters in length. Can't start with <code>sg-</code>",
            forbidden_prefixes=("sg-",),
        ),
        ("aws:lambda/function:Function", "name"): documented(
            "lambda",
            "CreateFunction",
            "FunctionName",
            max=64,
            pattern=r"[a-zA-Z0-9_-]+",
            evidence="it is limited to 64 characters in length",
        ),
        ("aws:lambda/permission:Permission", "statementId"): modelled(
            "lambda", "AddPermission", "StatementId"
        ),
        ("aws:appautoscaling/policy:Policy", "name"): modelled(
            "application-autoscaling", "PutScalingPolicy", "PolicyName"
        ),
    }


def limit_of(entry: Limit | Documented) -> Limit:
    return entry.limit if isinstance(entry, Documented) else entry


# Resource types AWS gives no name (an id, an ARN or a tag identifies them); a
# new type in the graph must be added here or to `limits()`.
UNNAMED = frozenset(
    {
        "aws:acm/certificate:Certificate",
        "aws:acm/certificateValidation:CertificateValidation",
        "aws:appautoscaling/target:Target",
        "aws:cloudfront/distribution:Distribution",
        "aws:ec2/eip:Eip",
        "aws:ec2/instance:Instance",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        "pulumi:providers:aws",
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/route:Route",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/vpc:Vpc",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:kms/key:Key",
        "aws:lb/listener:Listener",
        "aws:lb/listenerRule:ListenerRule",
        "aws:route53/record:Record",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:sns/topicPolicy:TopicPolicy",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    }
)
# Inputs AWS's provider fills in itself when absent (not Pulumi's logical name + suffix).
PROVIDER_DEFAULTED = frozenset(
    {
        ("aws:cloudwatch/eventTarget:EventTarget", "targetId"),
        ("aws:rds/instance:Instance", "finalSnapshotIdentifier"),
        ("aws:iam/role:Role", "description"),
        ("aws:lambda/permission:Permission", "statementId"),
    }
)
PULUMI_SUFFIX = 8  # "-" and 7 random characters after the logical name
