"""scaffold bootstrap against moto: the plan, the apply, idempotence, recording
the backend URL, and the account-level errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from scaffolder.errors import CloudError, CredentialsError, UsageError
from scaffolder.ops.bootstrap import (
    BUCKET_SETTINGS,
    apply_bootstrap,
    backend_url,
    plan_bootstrap,
    record_backend,
)
from scaffolder.ops.retry import Retry
from tests.ops.conftest import MotoProvider

ACCOUNT = "123456789012"  # moto's default account
BUCKET = f"scaffold-state-{ACCOUNT}-us-east-1"


def _no_sleep() -> Retry:
    return Retry(sleep=lambda _s: None)


def test_first_run_plans_everything_and_builds_a_locked_down_bucket(aws: MotoProvider) -> None:
    plan = plan_bootstrap(aws, retry=_no_sleep())
    assert plan.bucket == BUCKET
    assert plan.backend_url == f"s3://{BUCKET}?region=us-east-1&awssdk=v2"
    assert [a.step for a in plan.actions] == [
        "create-key",
        "create-bucket",
        *BUCKET_SETTINGS,
        "github-oidc",
    ]
    assert plan.kept == []

    result = apply_bootstrap(aws, plan, retry=_no_sleep())
    assert result.applied == [a.step for a in plan.actions]

    s3 = aws.client("s3")
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": result.key_arn,
    }
    block = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    (tls,) = policy["Statement"]
    assert tls["Effect"] == "Deny"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert f"arn:aws:s3:::{BUCKET}/*" in tls["Resource"]
    owner = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"]
    assert owner == [{"ObjectOwnership": "BucketOwnerEnforced"}]

    kms = aws.client("kms")
    key = kms.describe_key(KeyId="alias/scaffold-state")["KeyMetadata"]
    assert key["Arn"] == result.key_arn
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True

    providers = aws.client("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]
    (provider,) = providers
    detail = aws.client("iam").get_open_id_connect_provider(
        OpenIDConnectProviderArn=provider["Arn"]
    )
    assert detail["ClientIDList"] == ["sts.amazonaws.com"]
    assert provider["Arn"].endswith("oidc-provider/token.actions.githubusercontent.com")


def test_second_run_changes_nothing(aws: MotoProvider) -> None:
    apply_bootstrap(aws, plan_bootstrap(aws, retry=_no_sleep()), retry=_no_sleep())
    again = plan_bootstrap(aws, retry=_no_sleep())
    assert again.actions == []
    assert again.kept == ["create-key", "create-bucket", *BUCKET_SETTINGS, "github-oidc"]
    assert apply_bootstrap(aws, again, retry=_no_sleep()).applied == []
    # Still one provider and one key alias: nothing was duplicated.
    assert len(aws.client("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]) == 1
    aliases = [a["AliasName"] for a in aws.client("kms").list_aliases()["Aliases"]]
    assert aliases.count("alias/scaffold-state") == 1


def test_existing_resources_are_reused_and_only_gaps_fixed(aws: MotoProvider) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="team-state")
    s3.put_bucket_versioning(Bucket="team-state", VersioningConfiguration={"Status": "Enabled"})
    other = {
        "Sid": "Keep",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:DeleteBucket",
        "Resource": "arn:aws:s3:::team-state",
    }
    s3.put_bucket_policy(
        Bucket="team-state", Policy=json.dumps({"Version": "2012-10-17", "Statement": [other]})
    )
    aws.client("iam").create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
    )

    plan = plan_bootstrap(aws, bucket="team-state", retry=_no_sleep())
    assert [a.step for a in plan.actions] == [
        "create-key",
        "encryption",
        "public-access-block",
        "tls-policy",
        "ownership",
    ]
    assert "versioning" in plan.kept and "github-oidc" in plan.kept
    apply_bootstrap(aws, plan, retry=_no_sleep())
    sids = [
        s["Sid"]
        for s in json.loads(s3.get_bucket_policy(Bucket="team-state")["Policy"])["Statement"]
    ]
    assert sids == ["Keep", "DenyInsecureTransport"]
    assert plan_bootstrap(aws, bucket="team-state", retry=_no_sleep()).actions == []


def test_no_github_oidc_leaves_the_provider_alone(aws: MotoProvider) -> None:
    plan = plan_bootstrap(aws, github_oidc=False, retry=_no_sleep())
    assert "github-oidc" not in [a.step for a in plan.actions] + list(plan.kept)
    apply_bootstrap(aws, plan, retry=_no_sleep())
    assert aws.client("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_other_region_bucket(aws: MotoProvider) -> None:
    west = MotoProvider(region="eu-west-1")
    plan = plan_bootstrap(west, retry=_no_sleep())
    apply_bootstrap(west, plan, retry=_no_sleep())
    location = west.client("s3").get_bucket_location(Bucket=plan.bucket)["LocationConstraint"]
    assert location == "eu-west-1"
    assert plan.backend_url == backend_url(plan.bucket, "eu-west-1")


class _Refusing:
    """A client that passes every call to the moto client except `method`, which AWS refuses."""

    def __init__(self, inner: Any, method: str, code: str) -> None:
        self._inner, self._method, self._code = inner, method, code

    def __getattr__(self, name: str) -> Any:
        if name == self._method:

            def refuse(**_kwargs: Any) -> Any:
                raise ClientError({"Error": {"Code": self._code, "Message": "no"}}, name)

            return refuse
        return getattr(self._inner, name)


class _RefusingProvider(MotoProvider):
    def __init__(self, service: str, method: str, code: str) -> None:
        super().__init__()
        self._refuse = (service, method, code)

    def client(self, service: str) -> Any:
        inner = super().client(service)
        name, method, code = self._refuse
        return _Refusing(inner, method, code) if service == name else inner


def test_a_failure_names_the_step_and_what_was_done(aws: MotoProvider) -> None:
    refusing = _RefusingProvider("s3", "put_public_access_block", "InternalError")
    plan = plan_bootstrap(refusing, retry=_no_sleep())
    with pytest.raises(CloudError) as caught:
        apply_bootstrap(refusing, plan, retry=_no_sleep())
    assert "stopped at 'public-access-block'" in caught.value.message
    assert (
        "Done before it: create-key, create-bucket, versioning, encryption" in caught.value.message
    )
    assert "only does what is still missing" in caught.value.hint
    # The re-run plans only the rest: the key and the bucket are reused.
    rest = plan_bootstrap(aws, retry=_no_sleep())
    assert [a.step for a in rest.actions] == [
        "public-access-block",
        "tls-policy",
        "ownership",
        "github-oidc",
    ]


def test_access_denied_is_a_credentials_error(aws: MotoProvider) -> None:
    refusing = _RefusingProvider("iam", "list_open_id_connect_providers", "AccessDenied")
    with pytest.raises(CredentialsError) as caught:
        plan_bootstrap(refusing, retry=_no_sleep())
    assert caught.value.exit_code == 6
    assert "list the IAM OIDC providers" in caught.value.message


def test_a_bad_bucket_name_is_a_usage_error(aws: MotoProvider) -> None:
    with pytest.raises(UsageError):
        plan_bootstrap(aws, bucket="Not_A valid bucket", retry=_no_sleep())


def test_record_backend_writes_the_file_provision_reads(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    url = backend_url("team-state", "eu-west-1")
    path = record_backend(tmp_path, url)
    assert path == tmp_path / "infra" / ".scaffold-backend"
    assert path.read_text() == url + "\n"
    # The provision commands pick it up (they read this file first).
    from scaffolder.provision.backend import resolve_backend

    chosen = resolve_backend(tmp_path)
    assert (chosen.url, chosen.kind) == ("s3://team-state?region=eu-west-1&awssdk=v2", "s3")
    assert record_backend(tmp_path, url) is None  # idempotent
    assert record_backend(tmp_path / "elsewhere", url) is None  # no infra/: nothing to record


def test_cli_plans_applies_records_and_then_has_nothing_to_do(
    aws: MotoProvider, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scaffolder.cli.app import main

    (tmp_path / "infra").mkdir()
    url = f"s3://{BUCKET}?region=us-east-1&awssdk=v2"
    with pytest.raises(SystemExit) as exited:
        main(["bootstrap", "--project", str(tmp_path), "--region", "us-east-1"])
    out, err = capsys.readouterr()
    assert exited.value.code == 0
    assert "Plan:" in err and "+ create the state bucket" in err
    assert "8 changes applied" in err
    assert out.strip() == url
    assert (tmp_path / "infra" / ".scaffold-backend").read_text() == url + "\n"

    with pytest.raises(SystemExit) as exited:
        main(["bootstrap", "--project", str(tmp_path), "--region", "us-east-1"])
    out, err = capsys.readouterr()
    assert exited.value.code == 0
    assert "Nothing to change" in err and "Plan:" not in err
    assert "Recorded" not in err
    assert out.strip() == url
