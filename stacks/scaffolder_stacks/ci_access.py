"""GitHub Actions OIDC: per environment, a deploy role and a backup-verify role.

Each role trusts one GitHub environment of one repository, and only jobs of its own
workflows on the default branch: the trust policy requires GitHub's `sub` claim
(`repo:<owner>/<repo>:environment:<env>`) and its `job_workflow_ref` claim
(`<owner>/<repo>/.github/workflows/<file>@refs/heads/<default branch>`; for a job of a
reusable workflow, the called file, at the caller's ref when called locally), a claim
AWS STS has validated for GitHub's provider since January 2026. A branch whose
workflow says `environment: staging` gets no credentials, nor does another workflow
file on the default branch; no change to the repository's OIDC settings is needed.

The one exception is by design: dev is where every branch but the default one deploys
(deploy.yml), so dev's deploy role (`ci.branch_deploys`) admits its deploy workflows
from any branch (`@refs/heads/*`, still only those files and only the `dev` GitHub
environment). Its verify role, like every other, trusts the default branch only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder.models import outputs_parameter_name
from scaffolder_stacks._common import child
from scaffolder_stacks.ci_policies import (
    ECR_PUSH,
    RestoreTaskRefs,
    common_statements,
    document,
    predeploy_snapshot_statements,
    verify_statements,
)

if TYPE_CHECKING:
    from scaffolder_stacks.environment import EnvironmentStack

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_AUDIENCE = "sts.amazonaws.com"


# The workflow files whose jobs may assume each role (templates/template/.github/workflows).
# A reusable workflow's jobs carry the called file in job_workflow_ref (GitHub's "Using
# OpenID Connect with reusable workflows"): every environment's deploy job is a job of
# deploy-environment.yml, which deploy.yml calls. deploy.yml's own job is the build job,
# which pushes with the deploy role of the first environment a ref deploys.
DEPLOY_WORKFLOWS = ("deploy.yml", "deploy-environment.yml", "rollback.yml")
VERIFY_WORKFLOWS = ("backup-verify.yml",)
# backup-verify.yml's jobs run in a GitHub environment of their own, `<env>-backup`,
# without required reviewers: the weekly prod check must not wait for prod's approvers
# (the "no verified restore" alarm would fire for want of a click). The role still
# trusts only backup-verify.yml on the default branch, and cannot deploy.
VERIFY_ENVIRONMENT_SUFFIX = "-backup"


def verify_environment(github_environment: str) -> str:
    """The GitHub environment backup-verify.yml's jobs run in."""
    return f"{github_environment}{VERIFY_ENVIRONMENT_SUFFIX}"


# The branch pattern of an environment every branch deploys to (IAM's StringLike `*`).
ANY_BRANCH = "*"


def workflow_refs(repository: str, workflows: Sequence[str], branch: str) -> list[str]:
    """The `job_workflow_ref` claims of `workflows` run from `branch` (or ANY_BRANCH)."""
    return [f"{repository}/.github/workflows/{w}@refs/heads/{branch}" for w in workflows]


def trust_policy(
    provider_arn: str,
    repository: str,
    environment: str,
    workflows: Sequence[str] = DEPLOY_WORKFLOWS,
    branch: str = "main",
) -> dict[str, Any]:
    """Only jobs of `workflows` on `branch`, bound to the GitHub environment `environment`.

    With `branch` ANY_BRANCH the workflow files are still pinned, from any branch: that
    one claim is matched with StringLike, the subject and audience stay exact.
    """
    refs = {f"{GITHUB_OIDC_HOST}:job_workflow_ref": workflow_refs(repository, workflows, branch)}
    exact = {
        f"{GITHUB_OIDC_HOST}:aud": GITHUB_AUDIENCE,
        f"{GITHUB_OIDC_HOST}:sub": f"repo:{repository}:environment:{environment}",
    }
    # Several values in one key: any one of them.
    condition = (
        {"StringEquals": exact, "StringLike": refs}
        if branch == ANY_BRANCH
        else {"StringEquals": exact | refs}
    )
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ],
    }


@dataclass
class CiAccessArgs:
    role_name: str
    repository: str  # owner/name
    environment: str  # GitHub environment name
    project: str  # the scaffold:project tag of the repositories it may promote images from
    tags: dict[str, str]
    kms_key_arn: pulumi.Input[str]
    bucket_arns: list[pulumi.Input[str]]  # site, artifacts and backup buckets
    ecr_repository_arns: list[pulumi.Input[str]] = field(default_factory=list)
    ecs_service_arns: list[pulumi.Input[str]] = field(default_factory=list)
    ecs_cluster_arn: pulumi.Input[str] | None = None
    task_family_prefix: str = ""
    pass_role_arns: list[pulumi.Input[str]] = field(default_factory=list)
    distribution_arns: list[pulumi.Input[str]] = field(default_factory=list)
    # The deploy role snapshots the database before prod migrations (the restore-check
    # task role restores it, stacks/restore_task.py).
    db_instance_arn: pulumi.Input[str] | None = None
    # The app secret: the deploy role lists it and reads an external DATABASE_URL for
    # the pre-migration dump; the verify role reads it with an external database.
    secret_arns: list[pulumi.Input[str]] = field(default_factory=list)
    # Every job first reads the stack outputs `scaffold up` published in SSM.
    outputs_parameter_name: str | None = None
    region: str = "*"
    # One OIDC provider per AWS account: the second environment in an account
    # refers to the first one's by its fixed ARN instead of creating it.
    create_provider: bool = True
    default_branch: str = "main"  # the only ref whose workflows may assume either role
    # dev: the deploy role admits its workflows from any branch (deploy.yml sends every
    # branch but the default one to dev); the verify role never does.
    branch_deploys: bool = False
    # The backup-verify role (`verify`: with a database). It writes no bucket but the
    # backup bucket; with RDS it starts the restore-check task instead of restoring.
    verify: bool = False
    verify_role_name: str = ""
    backup_bucket_arn: pulumi.Input[str] | None = None
    # With RDS: the restore-check task the verify role starts (it reads no secret itself).
    restore_task: RestoreTaskRefs | None = None


class CiAccess(pulumi.ComponentResource):
    role: aws.iam.Role
    verify_role: aws.iam.Role | None = None

    def __init__(
        self, name: str, args: CiAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:ci:CiAccess", name, None, opts)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        provider_arn: pulumi.Output[str]
        if args.create_provider:
            provider = aws.iam.OpenIdConnectProvider(
                f"{name}-github",
                url=f"https://{GITHUB_OIDC_HOST}",
                client_id_lists=[GITHUB_AUDIENCE],
                tags=args.tags,
                # Other environments' roles may trust it: destroying this stack keeps it.
                opts=child(self, retain_on_delete=True),
            )
            provider_arn = provider.arn
        else:
            provider_arn = identity.account_id.apply(
                lambda a: f"arn:aws:iam::{a}:oidc-provider/{GITHUB_OIDC_HOST}"
            )
        self.role = self._role(
            name,
            args,
            provider_arn,
            role_name=args.role_name,
            environment=args.environment,
            workflows=DEPLOY_WORKFLOWS,
            branch=ANY_BRANCH if args.branch_deploys else args.default_branch,
            purpose="deploys",
            policy_name="deploy",
            permissions=self._permissions(args, identity),
        )
        if args.verify and args.backup_bucket_arn is not None:
            # An external database's URL is in the app secret; RDS's secret only the task reads.
            secrets = list(args.secret_arns) if args.db_instance_arn is None else []
            verify = common_statements(args, identity, [args.backup_bucket_arn], secrets)
            self.verify_role = self._role(
                f"{name}-verify",
                args,
                provider_arn,
                role_name=args.verify_role_name,
                environment=verify_environment(args.environment),
                workflows=VERIFY_WORKFLOWS,
                branch=args.default_branch,
                purpose="backup verification",
                policy_name="verify",
                permissions=document(verify + verify_statements(args, identity)),
            )
        self.register_outputs(
            {
                "role_arn": self.role.arn,
                "verify_role_arn": self.verify_role.arn if self.verify_role else None,
            }
        )

    def _role(
        self,
        name: str,
        args: CiAccessArgs,
        provider_arn: pulumi.Output[str],
        *,
        role_name: str,
        environment: str,
        workflows: Sequence[str],
        branch: str,
        purpose: str,
        policy_name: str,
        permissions: dict[str, Any],
    ) -> aws.iam.Role:
        def trust(arn: str) -> dict[str, Any]:
            return trust_policy(arn, args.repository, environment, workflows, branch)

        role = aws.iam.Role(
            name,
            name=role_name,
            max_session_duration=3600,
            description=f"GitHub Actions {purpose} of {args.repository} to {environment}",
            assume_role_policy=pulumi.Output.json_dumps(provider_arn.apply(trust)),
            tags=args.tags,
            opts=child(self),
        )
        aws.iam.RolePolicy(
            f"{name}-{policy_name}" if policy_name == "deploy" else f"{name}-policy",
            name=naming.physical_name(naming.IAM_POLICY, policy_name),
            role=role.id,
            policy=pulumi.Output.json_dumps(permissions),
            opts=child(self),
        )
        return role

    @staticmethod
    def _permissions(args: CiAccessArgs, identity: Any) -> dict[str, Any]:
        statements = common_statements(args, identity, args.bucket_arns, args.secret_arns)
        if args.ecr_repository_arns:
            statements += [
                {
                    "Sid": "EcrLogin",
                    "Effect": "Allow",
                    "Action": "ecr:GetAuthorizationToken",
                    "Resource": "*",
                },
                # Build once, promote by digest: the image this environment deploys may
                # have been pushed to another environment's repository of the project (in
                # this account); the deploy job copies it here by digest (deploy.jinja).
                {
                    "Sid": "EcrReadPromotedImages",
                    "Effect": "Allow",
                    "Resource": identity.account_id.apply(
                        lambda a: f"arn:aws:ecr:*:{a}:repository/*"
                    ),
                    "Action": [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:DescribeImages",
                        "ecr:GetDownloadUrlForLayer",
                    ],
                    "Condition": {
                        "StringEquals": {"aws:ResourceTag/scaffold:project": args.project}
                    },
                },
                {
                    "Sid": "EcrPush",
                    "Effect": "Allow",
                    "Resource": args.ecr_repository_arns,
                    "Action": ECR_PUSH,
                },
                # Task definitions cannot be scoped by ARN on register/describe.
                {
                    "Sid": "TaskDefinitions",
                    "Effect": "Allow",
                    "Resource": "*",
                    "Action": ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"],
                },
                {
                    "Sid": "Services",
                    "Effect": "Allow",
                    "Resource": args.ecs_service_arns,
                    "Action": ["ecs:UpdateService", "ecs:DescribeServices"],
                },
                {
                    "Sid": "MigrationTask",
                    "Effect": "Allow",
                    "Action": "ecs:RunTask",
                    "Resource": identity.account_id.apply(
                        lambda a: f"arn:aws:ecs:*:{a}:task-definition/{args.task_family_prefix}*"
                    ),
                    "Condition": {"ArnEquals": {"ecs:cluster": args.ecs_cluster_arn}},
                },
                {
                    "Sid": "WatchTasks",
                    "Effect": "Allow",
                    "Resource": "*",
                    "Action": ["ecs:DescribeTasks", "elasticloadbalancing:DescribeTargetHealth"],
                },
                {
                    "Sid": "PassTaskRoles",
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": args.pass_role_arns,
                    "Condition": {
                        "StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
                    },
                },
            ]
        if args.distribution_arns:
            statements.append(
                {
                    "Sid": "Distribution",
                    "Effect": "Allow",
                    "Resource": args.distribution_arns,
                    "Action": [
                        "cloudfront:GetDistribution",
                        "cloudfront:GetDistributionConfig",
                        "cloudfront:UpdateDistribution",
                        "cloudfront:CreateInvalidation",
                    ],
                }
            )
        statements += predeploy_snapshot_statements(args, identity)
        return document(statements)


def environment_ci_access(
    stack: EnvironmentStack, prefix: str, tags: dict[str, str], create_provider: bool
) -> CiAccess | None:
    """The CI roles of `stack`'s environment (None without `ci` in the spec)."""
    spec, ci = stack.spec, stack.spec.ci
    if ci is None:
        return None
    buckets: list[pulumi.Input[str]] = [
        stack.artifacts.bucket.arn,
        stack.backups.bucket.bucket.arn,
    ]
    buckets += [site.bucket.bucket.arn for site in stack.statics]
    servers, database = stack.servers, stack.database
    return CiAccess(
        f"{prefix}-deploy",
        CiAccessArgs(
            role_name=naming.physical_name(naming.IAM_ROLE, prefix, "deploy"),
            repository=ci.github_repository,
            environment=ci.github_environment,
            project=spec.project,
            tags=tags,
            kms_key_arn=stack.key.arn,
            bucket_arns=buckets,
            ecr_repository_arns=[s.repository.arn for s in servers],
            ecs_service_arns=[s.service.id for s in servers],
            ecs_cluster_arn=stack.cluster.arn if servers else None,
            # Every service's family starts with it (naming keeps the hash per prefix).
            task_family_prefix=naming.physical_name(naming.ECS_FAMILY, prefix),
            pass_role_arns=[r.arn for s in servers for r in (s.task_role, s.execution_role)],
            distribution_arns=[site.distribution.arn for site in stack.statics],
            db_instance_arn=database.instance.arn if database else None,
            secret_arns=[stack.secret.secret.arn],
            default_branch=ci.default_branch,
            branch_deploys=ci.branch_deploys,
            verify=bool(spec.database or spec.external_database),
            verify_role_name=naming.physical_name(naming.IAM_ROLE, prefix, "verify"),
            backup_bucket_arn=stack.backups.bucket.bucket.arn,
            restore_task=stack.restore_task.refs() if stack.restore_task else None,
            create_provider=create_provider,
            outputs_parameter_name=outputs_parameter_name(spec.project, spec.environment),
            region=spec.region,
        ),
        opts=child(stack),
    )
