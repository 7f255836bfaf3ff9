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
from scaffolder.ops.backup.api import BackupContext, run_backup, verify_backup
from scaffolder.ops.context import OpsContext, resolve_context
from scaffolder.ops.releases import write_record
from scaffolder.ops.retry import Retry
from scaffolder.ops.rollback import apply_rollback, plan_rollback
from scaffolder.ops.secrets import list_names
from scaffolder.provision.mockrun import ResourceGraph, fake_arn
from tests.ops.conftest import REGION, Clock, MotoProvider
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
        next(arn for name, arn in roles.items() if name.endswith(suffix))
        for suffix in ("-task", "-execution")
    )
    definition = ecs.register_task_definition(
        family=str(service_outputs.task_family),
        taskRoleArn=task_role,
        executionRoleArn=execution_role,
        containerDefinitions=[
            {"name": "api", "image": "repo/api@sha256:" + "1" * 64, "memory": 512}
        ],
    )["taskDefinition"]["taskDefinitionArn"]
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
        }
    )
    aws.client("ssm").put_parameter(
        Name=outputs_parameter_name(spec.project, spec.environment),
        Type="SecureString",
        KeyId=key_arn,
        Value=outputs.model_dump_json(exclude_none=True),
    )
    return Env(spec, graph, outputs, real, definition)


# The RolePolicy of each CI role, by the end of its Pulumi name.
POLICY_SUFFIX = {"deploy": "-deploy", "verify": "-verify-policy"}


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


@dataclass
class Ci:
    staging: Env
    prod: Env
    role: EnforcingProvider  # the deploy role (deploy.yml, rollback.yml)
    verify: EnforcingProvider  # the verify role (backup-verify.yml)
    project: Path
    connector: LocalConnector


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
        definition = aws.client("ecs").describe_task_definition(taskDefinition=env.task_definition)
        account.task_roles[env.task_definition] = [
            definition["taskDefinition"]["taskRoleArn"],
            definition["taskDefinition"]["executionRoleArn"],
        ]
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
    with enable_iam_authentication():
        yield Ci(staging, prod, role, verify, tmp_path, connector)


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


def test_the_verify_role_runs_backup_verify(ci: Ci) -> None:
    """backup-verify.yml: outputs, `backup run` and `backup verify` (RDS snapshot path)."""
    ctx = resolve_context(
        "staging", project=ci.project, clients=lambda region: ci.verify, environ=SSM_SOURCE
    )
    backup = BackupContext.of(_context(ci, ctx.outputs, ci.verify))
    backup.connect = ci.connector
    run = run_backup(backup)
    report = verify_backup(backup, probe_sql="SELECT 1")
    assert report.passed, report.checks
    assert report.source == run.location
    assert ci.verify.denied() == []


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
    _refused(lambda: ci.verify.client("ecr").get_authorization_token())
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
