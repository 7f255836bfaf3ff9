"""The generated CI roles, with the policies the Pulumi program builds, run every AWS
call the generated workflows make, and nothing of another environment: the deploy
role what deploy.yml, deploy-environment.yml and rollback.yml call (the promoted
image's copy included), the verify role what backup-verify.yml
calls (`backup run` and `backup verify`); neither does the other's job.

The role's trust and permission policies are taken from the mock resource graph of
`scaffolder_stacks.environment.program` (the mocked ARNs replaced by the moto resources'), the
role is created in moto and assumed through GitHub's OIDC provider, and from then on
moto authorizes every request (`enable_iam_authentication`). Then the calls run
through scaffold's own code: `scaffold outputs` (SSM + KMS), the deploy steps the
workflow runs with the AWS CLI (ECR push, task definition, the migration task with
its role passing, the pre-deploy snapshot, the release ledger in S3), `rollback` and
`secrets list` as the deploy role; `backup run` and `backup verify` (RDS snapshot
path, against the local Postgres) as the verify role.

What moto enforces and what it does not: moto checks the signature and the action of
every request against the role's policies, but compares resources only for S3 (every
other service is checked against "*") and evaluates no condition. So moto gets the
policy with the resources of non-S3 statements widened to "*" and conditions dropped
(it still refuses any action the role lacks, and checks S3 buckets and keys exactly;
`MOTO_ACTION_NAMES` adds the names moto asks for where they differ from IAM's), and
`tests/ops/iam_sim.EnforcingProvider` authorizes every call against the
real policy: resource ARNs, conditions (`ecs:cluster`,
`iam:PassedToService`, `cloudwatch:namespace`, `kms:GrantIsForAWSResource`) and the
KMS calls services make in the caller's name (SSM and Secrets Manager decrypting,
S3 SSE-KMS, RDS's grant on the snapshot key), which moto does not perform at all.
The CloudFront calls of a static site's deploy and rollback are not exercised here
(this environment has no static site); the graph checks cover that statement.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from scaffolder.environment.spec import render_spec_yaml
from scaffolder.errors import CredentialsError
from scaffolder.models import EnvironmentSpec, StackOutputs, outputs_parameter_name
from scaffolder.ops.backup.api import (
    BackupContext,
    backup_in_task,
    run_backup,
    verify_backup,
    verify_in_task,
)
from scaffolder.ops.backup.task import raise_if_task_failed
from scaffolder.ops.context import OpsContext, resolve_context
from scaffolder.ops.published_outputs import PROJECT_ENV, SOURCE_ENV
from scaffolder.ops.releases import write_record
from scaffolder.ops.retry import Retry
from scaffolder.ops.rollback import apply_rollback, plan_rollback
from scaffolder.ops.secrets import list_names
from scaffolder.provision.mockrun import ResourceGraph, fake_arn
from tests.ops.conftest import REGION, Clock, MotoProvider
from tests.ops.ecs_seam import Container, ScriptedEcs, TaskProvider
from tests.ops.iam_sim import RULES, Account, EnforcingProvider, allowed
from tests.ops.ops_world import START, record
from tests.ops.test_backup_rds import LocalConnector, connector, restored_db  # noqa: F401
from tests.stacks.graphs import graph_for
from tests.stacks.specs import server_spec

pytestmark = pytest.mark.postgres

ACCOUNT = "123456789012"
SSM_SOURCE = {"SCAFFOLD_OUTPUTS_SOURCE": "ssm"}


@dataclass
class Env:
    spec: EnvironmentSpec
    graph: ResourceGraph
    outputs: StackOutputs
    real: dict[str, str]  # mocked ARN or id -> the moto resource's
    task_definition: str = ""
    restore_definition: str = ""  # the restore-check task's (stacks/restore_task.py)

    def substitute(self, document: str) -> dict[str, Any]:
        for fake in sorted(self.real, key=len, reverse=True):
            document = document.replace(fake, self.real[fake])
        parsed: dict[str, Any] = json.loads(document)
        return parsed

    def of(self, type_: str) -> list[Any]:
        return self.graph.of_type(type_)


def _physical(resource: Any, key: str) -> str:
    return str(resource.inputs.get(key) or resource.name)


def _provision(aws: MotoProvider, spec: EnvironmentSpec, pg_user: str, pg_password: str) -> Env:
    """The moto resources of `spec`'s environment, named as the program names them."""
    graph = graph_for(spec)
    fake = StackOutputs.model_validate(graph.outputs)
    real: dict[str, str] = {}

    def arn_of(type_: str, name: str) -> str:
        return fake_arn(type_, name, REGION)

    # The environment's key (prod also has one for its backup copies in another region).
    (key,) = [k for k in graph.of_type("aws:kms/key:Key") if "-copy-" not in k.name]
    key_arn = aws.client("kms").create_key(Description=spec.environment)["KeyMetadata"]["Arn"]
    real[arn_of(key.type, key.name)] = key_arn
    for bucket in graph.of_type("aws:s3/bucket:Bucket"):
        name = _physical(bucket, "bucket")
        aws.client("s3").create_bucket(Bucket=name)
        real[arn_of(bucket.type, bucket.name)] = f"arn:aws:s3:::{name}"
    for repo in graph.of_type("aws:ecr/repository:Repository"):
        tags = [{"Key": k, "Value": v} for k, v in (repo.inputs.get("tags") or {}).items()]
        created = aws.client("ecr").create_repository(
            repositoryName=_physical(repo, "name"), tags=tags
        )
        real[arn_of(repo.type, repo.name)] = created["repository"]["repositoryArn"]
    roles = {}
    for role in graph.of_type("aws:iam/role:Role"):
        name = _physical(role, "name")
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        if name.endswith(("-deploy", "-verify")):
            continue  # the CI roles: created from their real policies below
        roles[role.name] = aws.client("iam").create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)
        )["Role"]["Arn"]
        real[arn_of(role.type, role.name)] = roles[role.name]
    (secret,) = graph.of_type("aws:secretsmanager/secret:Secret")
    app_secret = aws.client("secretsmanager").create_secret(
        Name=_physical(secret, "name"), KmsKeyId=key_arn, SecretString='{"SESSION_SECRET": "s"}'
    )["ARN"]
    real[arn_of(secret.type, secret.name)] = app_secret
    db_secret = aws.client("secretsmanager").create_secret(
        Name=f"rds!{fake.db_instance_identifier}",
        KmsKeyId=key_arn,
        SecretString=json.dumps({"username": pg_user, "password": pg_password}),
    )["ARN"]
    real[str(fake.db_secret_arn)] = db_secret
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    # As the stack's VPC (stacks/network.py); moto's awsvpc tasks need it too.
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    group = ec2.create_security_group(
        GroupName=f"{spec.environment}-db", Description="db", VpcId=vpc
    )["GroupId"]
    rds = aws.client("rds")
    rds.create_db_subnet_group(
        DBSubnetGroupName=str(fake.db_subnet_group_name),
        SubnetIds=subnets,
        DBSubnetGroupDescription="db",
    )
    (db,) = graph.of_type("aws:rds/instance:Instance")
    instance = rds.create_db_instance(
        DBInstanceIdentifier=str(fake.db_instance_identifier),
        Engine="postgres",
        DBInstanceClass="db.t4g.small",
        AllocatedStorage=20,
        MasterUsername="postgres",
        MasterUserPassword="placeholder-1",
        DBSubnetGroupName=str(fake.db_subnet_group_name),
        VpcSecurityGroupIds=[group],
        DBName="app",
        StorageEncrypted=True,
        KmsKeyId=key_arn,
    )["DBInstance"]
    real[arn_of(db.type, db.name)] = instance["DBInstanceArn"]
    ecs = aws.client("ecs")
    (cluster,) = graph.of_type("aws:ecs/cluster:Cluster")
    cluster_arn = ecs.create_cluster(clusterName=_physical(cluster, "name"))["cluster"][
        "clusterArn"
    ]
    real[arn_of(cluster.type, cluster.name)] = cluster_arn
    (service_outputs,) = fake.services
    task_role, execution_role = (
        next(arn for name, arn in roles.items() if name.endswith(f"-{service_outputs.name}{s}"))
        for s in ("-task", "-execution")
    )
    definition = ecs.register_task_definition(
        family=str(service_outputs.task_family),
        taskRoleArn=task_role,
        executionRoleArn=execution_role,
        containerDefinitions=[
            {"name": "api", "image": "repo/api@sha256:" + "1" * 64, "memory": 512}
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    restore_definition, restore_task = _restore_check_task(aws, fake, roles, vpc)
    (logs,) = [g for g in graph.of_type("aws:cloudwatch/logGroup:LogGroup") if "restore" in g.name]
    real[arn_of(logs.type, logs.name)] = (
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{_physical(logs, 'name')}"
    )
    (service,) = graph.of_type("aws:ecs/service:Service")
    created = ecs.create_service(
        cluster=cluster_arn,
        serviceName=_physical(service, "name"),
        taskDefinition=definition,
        desiredCount=1,
    )["service"]
    real[f"{service.name}-id"] = created["serviceArn"]
    (provider,) = graph.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    iam = aws.client("iam")
    # One GitHub OIDC provider per account, shared by the environments.
    existing = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    real[arn_of(provider.type, provider.name)] = (
        existing[0]["Arn"]
        if existing
        else iam.create_open_id_connect_provider(
            Url="https://token.actions.githubusercontent.com",
            ClientIDList=["sts.amazonaws.com"],
            ThumbprintList=["0" * 40],
        )["OpenIDConnectProviderArn"]
    )
    outputs = StackOutputs.model_validate(
        fake.model_dump()
        | {
            "kms_key_arn": key_arn,
            "app_secret_arn": app_secret,
            "db_secret_arn": db_secret,
            "db_security_group_id": group,
            "restore_task": restore_task,
        }
    )
    aws.client("ssm").put_parameter(
        Name=outputs_parameter_name(spec.project, spec.environment),
        Type="SecureString",
        KeyId=key_arn,
        Value=outputs.model_dump_json(exclude_none=True),
    )
    return Env(spec, graph, outputs, real, definition, restore_definition)


def _restore_check_task(
    aws: MotoProvider, fake: StackOutputs, roles: dict[str, str], vpc: str
) -> tuple[str, dict[str, Any]]:
    """The restore-check task definition in moto, and its outputs with moto's network."""
    assert fake.restore_task is not None
    ec2 = aws.client("ec2")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.9.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(
        GroupName=f"{fake.environment}-restore-check", Description="task", VpcId=vpc
    )["GroupId"]
    task = fake.restore_task
    definition = aws.client("ecs").register_task_definition(
        family=task.task_family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        taskRoleArn=next(a for n, a in roles.items() if n.endswith("restore-check-task")),
        executionRoleArn=next(a for n, a in roles.items() if n.endswith("restore-check-execution")),
        containerDefinitions=[{"name": task.container_name, "image": task.image, "memory": 512}],
    )["taskDefinition"]["taskDefinitionArn"]
    aws.client("logs").create_log_group(logGroupName=task.log_group_name)
    outputs = task.model_dump() | {"subnet_ids": [subnet], "security_group_ids": [group]}
    return definition, outputs


# The RolePolicy of each CI role, by the end of its Pulumi name.
POLICY_SUFFIX = {
    "deploy": "-deploy",
    "verify": "-verify-policy",
    "restore-check": "-restore-check-task",  # the restore-check task's role
}


def _role_policy(env: Env, kind: str = "deploy") -> dict[str, Any]:
    (policy,) = [
        p for p in env.of("aws:iam/rolePolicy:RolePolicy") if p.name.endswith(POLICY_SUFFIX[kind])
    ]
    return env.substitute(str(policy.inputs["policy"]))


# moto authorizes a few calls under names IAM does not use: the API name of ListObjectsV2,
# and CloudWatch's signing name for its actions.
MOTO_ACTION_NAMES = {
    "s3:ListBucket": "s3:ListObjectsV2",
    "cloudwatch:PutMetricData": "monitoring:PutMetricData",
}


def _moto_view(policy: dict[str, Any]) -> dict[str, Any]:
    """What moto can enforce: S3 statements as they are, the others' actions on "*"."""
    statements = []
    for statement in policy["Statement"]:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else list(actions)
        actions += [MOTO_ACTION_NAMES[a] for a in actions if a in MOTO_ACTION_NAMES]
        if all(a.startswith("s3:") for a in actions):
            statements.append({**statement, "Action": actions})
        else:
            statements.append({"Effect": statement["Effect"], "Action": actions, "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def _assume_role(aws: MotoProvider, env: Env, kind: str) -> dict[str, str]:
    """Create the CI role `kind` ("deploy" or "verify") in moto and assume it."""
    (role,) = [
        r
        for r in env.of("aws:iam/role:Role")
        if "AssumeRoleWithWebIdentity" in str(r.inputs["assumeRolePolicy"])
        and _physical(r, "name").endswith(f"-{kind}")
    ]
    name = _physical(role, "name")
    iam = aws.client("iam")
    arn = iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps(env.substitute(str(role.inputs["assumeRolePolicy"]))),
    )["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName=kind,
        PolicyDocument=json.dumps(_moto_view(_role_policy(env, kind))),
    )
    assumed = aws.client("sts").assume_role_with_web_identity(
        RoleArn=arn, RoleSessionName="github-actions", WebIdentityToken="a-github-oidc-token"
    )["Credentials"]
    return {
        "aws_access_key_id": assumed["AccessKeyId"],
        "aws_secret_access_key": assumed["SecretAccessKey"],
        "aws_session_token": assumed["SessionToken"],
    }


def _assume_task_role(aws: MotoProvider, env: Env) -> dict[str, str]:
    """The restore-check task's credentials, as ECS hands them to the container."""
    (role,) = [
        r
        for r in env.of("aws:iam/role:Role")
        if _physical(r, "name").endswith("-restore-check-task")
    ]
    name = _physical(role, "name")
    aws.client("iam").put_role_policy(
        RoleName=name,
        PolicyName="restore-check",
        PolicyDocument=json.dumps(_moto_view(_role_policy(env, "restore-check"))),
    )
    arn = aws.client("iam").get_role(RoleName=name)["Role"]["Arn"]
    assumed = aws.client("sts").assume_role(RoleArn=arn, RoleSessionName="ecs-task")["Credentials"]
    return {
        "aws_access_key_id": assumed["AccessKeyId"],
        "aws_secret_access_key": assumed["SecretAccessKey"],
        "aws_session_token": assumed["SessionToken"],
    }


@dataclass
class Ci:
    staging: Env
    prod: Env
    role: EnforcingProvider  # the deploy role (deploy.yml, rollback.yml)
    verify: EnforcingProvider  # the verify role (backup-verify.yml)
    project: Path
    connector: LocalConnector
    task_role: EnforcingProvider  # the restore-check task's role (backup-verify.yml, RDS)


@pytest.fixture
def ci(
    aws: MotoProvider,
    pg_cluster: Any,
    connector: LocalConnector,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Ci]:
    from moto.core.authorization import enable_iam_authentication

    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "1")
    staging = _provision(aws, server_spec("staging"), pg_cluster.user, pg_cluster.password)
    prod = _provision(aws, server_spec("prod"), pg_cluster.user, pg_cluster.password)
    (tmp_path / "infra").mkdir()
    for env in (staging, prod):
        path = tmp_path / "infra" / f"Pulumi.{env.spec.environment}.yaml"
        path.write_text(render_spec_yaml(env.spec))
    # The prod database has a snapshot the staging role must not restore.
    aws.client("rds").create_db_snapshot(
        DBInstanceIdentifier=str(prod.outputs.db_instance_identifier),
        DBSnapshotIdentifier=f"{prod.outputs.db_instance_identifier}-scaffold-old",
    )
    account = Account(ACCOUNT, REGION)
    for env in (staging, prod):
        out = env.outputs
        key = out.kms_key_arn
        name = outputs_parameter_name(env.spec.project, env.spec.environment)
        account.keys |= {name: key, out.backup_bucket_name: key, out.artifacts_bucket_name: key}
        account.keys |= {out.app_secret_arn: key, str(out.db_secret_arn): key}
        account.secret_arns |= {out.app_secret_arn: out.app_secret_arn}
        account.cluster_arns[str(out.services[0].cluster_name)] = next(
            v for k, v in env.real.items() if k.endswith("-cluster")
        )
        for arn in (env.task_definition, env.restore_definition):
            definition = aws.client("ecs").describe_task_definition(taskDefinition=arn)
            account.task_roles[arn] = [
                definition["taskDefinition"]["taskRoleArn"],
                definition["taskDefinition"]["executionRoleArn"],
            ]
        assert out.restore_task is not None
        account.task_families[out.restore_task.task_family] = env.restore_definition
    for repository in aws.client("ecr").describe_repositories()["repositories"]:
        arn = repository["repositoryArn"]
        tags = aws.client("ecr").list_tags_for_resource(resourceArn=arn)["tags"]
        account.resource_tags[arn] = {t["Key"]: t["Value"] for t in tags}
    for snapshot in aws.client("rds").describe_db_snapshots()["DBSnapshots"]:
        account.keys[snapshot["DBSnapshotIdentifier"]] = (
            snapshot.get("KmsKeyId") or prod.outputs.kms_key_arn
        )
    credentials = _assume_role(aws, staging, "deploy")
    role = EnforcingProvider(REGION, credentials, _role_policy(staging), account)
    verify_credentials = _assume_role(aws, staging, "verify")
    verify = EnforcingProvider(REGION, verify_credentials, _role_policy(staging, "verify"), account)
    task_role = EnforcingProvider(
        REGION,
        _assume_task_role(aws, staging),
        _role_policy(staging, "restore-check"),
        account,
    )
    with enable_iam_authentication():
        yield Ci(staging, prod, role, verify, tmp_path, connector, task_role)


def _context(ci: Ci, outputs: StackOutputs, role: EnforcingProvider | None = None) -> OpsContext:
    clock = Clock(START + timedelta(days=1))
    return OpsContext(
        outputs=outputs,
        clients=role or ci.role,
        clock=clock,
        sleep=clock.sleep,
        retry=Retry(sleep=lambda _: None, jitter=lambda: 1.0),
    )


def _deploy_steps(ci: Ci, outputs: StackOutputs) -> str:
    """The AWS CLI calls of deploy.yml (templates/includes/deploy.jinja), in order."""
    (service,) = outputs.services
    repository = str(service.ecr_repository_url).split("/", 1)[1]
    ecr, ecs, rds = (ci.role.client(s) for s in ("ecr", "ecs", "rds"))
    ecr.get_authorization_token()  # aws ecr get-login-password
    # docker push
    ecr.batch_check_layer_availability(
        repositoryName=repository, layerDigests=["sha256:" + "a" * 64]
    )
    upload = ecr.initiate_layer_upload(repositoryName=repository)["uploadId"]
    ecr.upload_layer_part(
        repositoryName=repository,
        uploadId=upload,
        partFirstByte=0,
        partLastByte=3,
        layerPartBlob=b"data",
    )
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"digest": "sha256:" + "c" * 64, "size": 4, "mediaType": "x"},
        "layers": [],
    }
    ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag="3f2a9c1")
    ecr.describe_images(repositoryName=repository)
    definition = ecs.describe_task_definition(taskDefinition=str(service.task_family))
    registered = ecs.register_task_definition(
        family=str(service.task_family),
        taskRoleArn=definition["taskDefinition"]["taskRoleArn"],
        executionRoleArn=definition["taskDefinition"]["executionRoleArn"],
        containerDefinitions=definition["taskDefinition"]["containerDefinitions"],
    )["taskDefinition"]["taskDefinitionArn"]
    ci.role.account.task_roles[registered] = ci.role.account.task_roles[
        next(iter(ci.role.account.task_roles))
    ]
    # The migration task, then its result.
    ecs.describe_services(cluster=str(service.cluster_name), services=[str(service.service_name)])
    task = ecs.run_task(
        cluster=str(service.cluster_name), taskDefinition=registered, launchType="FARGATE"
    )["tasks"][0]
    ecs.describe_tasks(cluster=str(service.cluster_name), tasks=[task["taskArn"]])
    # The pre-migration snapshot (prod runs it; the calls are the same).
    db = str(outputs.db_instance_identifier)
    rds.create_db_snapshot(
        DBInstanceIdentifier=db,
        DBSnapshotIdentifier=f"{db}-predeploy-3f2a9c1-42-1",
        Tags=[{"Key": "scaffold:purpose", "Value": "pre-deploy"}],
    )
    rds.describe_db_snapshots(DBSnapshotIdentifier=f"{db}-predeploy-3f2a9c1-42-1")
    ecs.update_service(
        cluster=str(service.cluster_name),
        service=str(service.service_name),
        taskDefinition=registered,
    )
    return registered


def test_the_deploy_role_runs_every_workflow_call(ci: Ci) -> None:
    # scaffold outputs --from ssm (every job's first step)
    ctx = resolve_context(
        "staging", project=ci.project, clients=lambda region: ci.role, environ=SSM_SOURCE
    )
    assert ctx.outputs == ci.staging.outputs
    outputs = ctx.outputs
    previous = ci.staging.task_definition
    current = _deploy_steps(ci, outputs)
    # The release ledger (deploy.yml writes it with `aws s3 cp`; same PutObject).
    ops = _context(ci, outputs)
    write_record(ops, record("a-1", "api", hours=1, task_definition=previous))
    write_record(ops, record("b-2", "api", hours=2, task_definition=current, status="failed"))
    # scaffold rollback ENV --yes
    result = apply_rollback(ops, plan_rollback(ops))
    assert result.rolled_back and result.marked
    # scaffold secrets list
    assert [e.name for e in list_names(ops).entries] == ["SESSION_SECRET"]
    assert ci.role.denied() == []


def test_the_deploy_role_reads_the_projects_promoted_images_only(ci: Ci) -> None:
    """Build once, promote by digest: the deploy job copies the image the build job pushed
    to another environment's repository (here prod's, read by staging's role): it may read
    that repository, write none but its own, and read no other project's."""
    (prod_service,) = ci.prod.outputs.services
    promoted = str(prod_service.ecr_repository_url).split("/", 1)[1]
    ecr = ci.role.client("ecr")
    digest = "sha256:" + "d" * 64
    # skopeo copy: the manifest, the layers' existence and download URLs, then the check.
    ecr.describe_images(repositoryName=promoted)
    ecr.batch_get_image(repositoryName=promoted, imageIds=[{"imageDigest": digest}])
    ecr.batch_check_layer_availability(repositoryName=promoted, layerDigests=[digest])
    # moto has no GetDownloadUrlForLayer: the simulator's own verdict on the call.
    layer = {"repositoryName": promoted, "layerDigest": digest}
    requests = RULES[("ecr", "GetDownloadUrlForLayer")](ci.role.account, layer)
    assert requests and all(allowed(ci.role.policy, r) for r in requests)
    assert ci.role.denied() == []
    with pytest.raises(ecr.exceptions.ClientError) as write:
        ecr.initiate_layer_upload(repositoryName=promoted)
    assert write.value.response["Error"]["Code"] == "AccessDenied"
    # Another project's repository in the same account: its tag does not match.
    other = ci.role.account.arn("ecr", "repository/another-staging-api")
    ci.role.account.resource_tags[other] = {"scaffold:project": "another"}
    foreign = {"repositoryName": "another-staging-api"}
    for action in ("BatchGetImage", "GetDownloadUrlForLayer", "DescribeImages"):
        requests = RULES[("ecr", action)](ci.role.account, foreign)
        assert not any(allowed(ci.role.policy, r) for r in requests), action


def _restore_check_container(ci: Ci) -> Container:
    """What the restore-check task runs, as its task role: the command ECS was given, with
    the context the container builds (published outputs, no checkout, no spec)."""

    def container(command: list[str]) -> int:
        environ = {PROJECT_ENV: "notes", "AWS_REGION": REGION, SOURCE_ENV: "ssm"}
        inside = ci.project / "container"  # no infra/ here
        inside.mkdir(exist_ok=True)
        ctx = resolve_context(
            command[2], project=inside, clients=lambda region: ci.task_role, environ=environ
        )
        assert ctx.spec is None and ctx.outputs == ci.staging.outputs
        backup = BackupContext.of(_context(ci, ctx.outputs, ci.task_role))
        backup.connect = ci.connector
        if command[1] == "run":
            run_backup(backup)
            return 0
        flags = dict(zip(command[3::2], command[4::2], strict=True))
        report = verify_backup(
            backup,
            probe_sql=flags["--probe"],
            instance_class=flags["--instance-class"],
            growth_pct=float(flags["--growth-pct"]),
            timeout_s=float(flags["--timeout-minutes"]) * 60,
            report_key=flags["--report-key"],
        )
        return 0 if report.passed else 1

    return container


def _push_restore_check_image(ci: Ci, outputs: StackOutputs) -> None:
    """backup-verify.yml's image step: look for the tag, log in, push (AWS CLI + docker)."""
    assert outputs.restore_task is not None
    repository, tag = outputs.restore_task.image.split("/", 1)[1].rsplit(":", 1)
    ecr = ci.verify.client("ecr")
    with pytest.raises(ecr.exceptions.ImageNotFoundException):
        ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
    ecr.get_authorization_token()
    ecr.batch_check_layer_availability(
        repositoryName=repository, layerDigests=["sha256:" + "b" * 64]
    )
    ecr.initiate_layer_upload(repositoryName=repository)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"digest": "sha256:" + "d" * 64, "size": 4, "mediaType": "x"},
        "layers": [],
    }
    ecr.put_image(repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag)


def test_the_verify_role_runs_backup_verify(ci: Ci) -> None:
    """backup-verify.yml on RDS: outputs, the image, then `backup run --in-task` and
    `backup verify --in-task` as the verify role, the work itself as the task role."""
    ctx = resolve_context(
        "staging", project=ci.project, clients=lambda region: ci.verify, environ=SSM_SOURCE
    )
    _push_restore_check_image(ci, ctx.outputs)
    ecs = ScriptedEcs(ci.verify.client("ecs"), _restore_check_container(ci))
    backup = BackupContext.of(_context(ci, ctx.outputs, TaskProvider(ci.verify, ecs)))
    run = backup_in_task(backup)
    raise_if_task_failed(run)
    outcome = verify_in_task(backup, probe_sql="SELECT 1")
    raise_if_task_failed(outcome)
    assert outcome.report is not None and outcome.report.passed, outcome.report
    # A task that fails: the verify role reads its log's tail (and may stop tasks).
    ecs.container = lambda command: 7
    failed = backup_in_task(backup)
    assert failed.exit_code == 7
    ci.verify.client("ecs").stop_task(
        cluster=ctx.outputs.restore_task.cluster_name,  # type: ignore[union-attr]
        task=failed.task_arn,
    )
    assert ci.verify.denied() == []
    assert ci.task_role.denied() == []


def test_the_roles_are_split(ci: Ci) -> None:
    """The deploy role neither reads the RDS secret nor restores; the verify role cannot deploy."""
    outputs = ci.staging.outputs
    (service,) = outputs.services
    _refused(
        lambda: ci.role.client("secretsmanager").get_secret_value(
            SecretId=str(outputs.db_secret_arn)
        )
    )
    _refused(
        lambda: ci.role.client("rds").restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier="notes-staging-restore-x",
            DBSnapshotIdentifier=f"{outputs.db_instance_identifier}-scaffold-old",
        )
    )
    _refused(
        lambda: ci.verify.client("ecs").update_service(
            cluster=str(service.cluster_name),
            service=str(service.service_name),
            taskDefinition=ci.staging.task_definition,
        )
    )
    _refused(  # the app's image repository: only the restore-check image is its to push
        lambda: ci.verify.client("ecr").put_image(
            repositoryName=str(service.ecr_repository_url).split("/", 1)[1],
            imageManifest="{}",
            imageTag="x",
        )
    )
    _refused(  # the app's task, and so its roles
        lambda: ci.verify.client("ecs").run_task(
            cluster=str(service.cluster_name), taskDefinition=ci.staging.task_definition
        )
    )
    # With RDS the verify role reads no database secret and restores nothing itself.
    _refused(
        lambda: ci.verify.client("secretsmanager").get_secret_value(
            SecretId=str(outputs.db_secret_arn)
        )
    )
    _refused(
        lambda: ci.verify.client("rds").restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier="notes-staging-restore-x",
            DBSnapshotIdentifier=f"{outputs.db_instance_identifier}-scaffold-old",
        )
    )
    # The task role cannot deploy either, nor read the app's settings.
    _refused(
        lambda: ci.task_role.client("ecs").update_service(
            cluster=str(service.cluster_name),
            service=str(service.service_name),
            taskDefinition=ci.staging.task_definition,
        )
    )
    _refused(
        lambda: ci.task_role.client("secretsmanager").get_secret_value(
            SecretId=outputs.app_secret_arn
        )
    )
    _refused(lambda: plan_rollback(_context(ci, outputs, ci.verify)))  # the artifacts bucket
    _refused(
        lambda: ci.verify.client("secretsmanager").get_secret_value(
            SecretId=str(ci.prod.outputs.db_secret_arn)
        )
    )


def _refused(call: Any) -> None:
    with pytest.raises(Exception) as caught:
        call()
    assert isinstance(caught.value, CredentialsError) or "AccessDenied" in str(caught.value)


def test_the_deploy_role_cannot_touch_another_environment(ci: Ci) -> None:
    prod = ci.prod.outputs
    (service,) = prod.services
    ecs, rds = ci.role.client("ecs"), ci.role.client("rds")
    _refused(
        lambda: resolve_context(
            "prod", project=ci.project, clients=lambda region: ci.role, environ=SSM_SOURCE
        )
    )
    ops = _context(ci, prod)
    _refused(lambda: plan_rollback(ops))  # the prod ledger bucket (moto's own S3 check too)
    _refused(lambda: list_names(ops))  # the prod app secret
    _refused(
        lambda: ecs.update_service(
            cluster=str(service.cluster_name),
            service=str(service.service_name),
            taskDefinition=ci.prod.task_definition,
        )
    )
    _refused(
        lambda: ecs.run_task(
            cluster=str(service.cluster_name), taskDefinition=ci.prod.task_definition
        )
    )
    _refused(
        lambda: rds.restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier="notes-staging-restore-x",
            DBSnapshotIdentifier=f"{prod.db_instance_identifier}-scaffold-old",
        )
    )
    _refused(
        lambda: rds.create_db_snapshot(
            DBInstanceIdentifier=str(prod.db_instance_identifier), DBSnapshotIdentifier="copy"
        )
    )
    _refused(
        lambda: rds.delete_db_instance(
            DBInstanceIdentifier=str(prod.db_instance_identifier), SkipFinalSnapshot=True
        )
    )
    assert len(ci.role.denied()) >= 6
