"""`scaffold bootstrap`: the team's shared Pulumi state backend, once per account.

An S3 bucket (versioned, SSE-KMS under a key aliased alias/scaffold-state,
public access blocked, TLS-only policy, bucket-owner-enforced ownership) and
the GitHub OIDC identity provider the environments' deploy roles trust.

`plan_bootstrap` only reads; `apply_bootstrap` makes exactly the planned
changes, in dependency order. A second run plans nothing. `record_backend`
writes the backend URL into infra/.scaffold-backend, where the provision
commands read it first.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import Field

from scaffolder.errors import CloudError, InputError, Interrupted, UsageError
from scaffolder.models import Model
from scaffolder.ops.bootstrap_probe import (
    GITHUB_OIDC_HOST,
    KEY_ALIAS,
    PUBLIC_BLOCK,
    TLS_SID,
    Probe,
    Step,
    bucket_gaps,
)
from scaffolder.ops.clients import ClientProvider
from scaffolder.ops.retry import Retry

GITHUB_AUDIENCE = "sts.amazonaws.com"
# The file scaffolder.provision.backend.resolve_backend reads first.
BACKEND_FILE = ".scaffold-backend"
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# GitHub's published intermediate thumbprints; IAM no longer checks them for this
# provider, but the API still requires a list in some partitions.
GITHUB_THUMBPRINTS = [
    "6938fd4d98bab03faadb97b34396831e3780aea1",
    "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
]


class BootstrapAction(Model):
    step: Step
    description: str


class BootstrapPlan(Model):
    account_id: str
    region: str
    bucket: str
    key_arn: str | None = None  # None until the key exists
    backend_url: str
    actions: list[BootstrapAction] = Field(default_factory=list)
    kept: list[Step] = Field(default_factory=list)  # already in place as it should be


class BootstrapResult(Model):
    plan: BootstrapPlan
    applied: list[Step] = Field(default_factory=list)
    key_arn: str


def backend_url(bucket: str, region: str) -> str:
    """Pulumi's DIY S3 backend URL (`pulumi login <url>`, PULUMI_BACKEND_URL)."""
    return f"s3://{bucket}?region={region}&awssdk=v2"


BUCKET_SETTINGS: tuple[Step, ...] = (
    "versioning",
    "encryption",
    "public-access-block",
    "tls-policy",
    "ownership",
)

DESCRIPTIONS: dict[Step, str] = {
    "create-key": f"create a KMS key with rotation, aliased {KEY_ALIAS}",
    "create-bucket": "create the state bucket",
    "versioning": "turn on versioning (every state file version is kept)",
    "encryption": f"encrypt by default with SSE-KMS under {KEY_ALIAS}",
    "public-access-block": "block all public access",
    "tls-policy": "deny any request not made over TLS (bucket policy)",
    "ownership": "enforce bucket-owner ownership (no ACLs)",
    "github-oidc": f"create the IAM OIDC provider {GITHUB_OIDC_HOST} ({GITHUB_AUDIENCE})",
}


def plan_bootstrap(
    clients: ClientProvider,
    *,
    bucket: str | None = None,
    github_oidc: bool = True,
    retry: Retry | None = None,
) -> BootstrapPlan:
    if bucket is not None and not BUCKET_NAME.match(bucket):
        raise UsageError(
            f"'{bucket}' is not a valid S3 bucket name.",
            hint="Use 3-63 lowercase letters, digits, dots and hyphens.",
        )
    probe = Probe(clients, retry or Retry())
    account = str(probe.call("sts", "identify the AWS account", "get_caller_identity")["Account"])
    name = bucket or f"scaffold-state-{account}-{clients.region}"
    plan = BootstrapPlan(
        account_id=account,
        region=clients.region,
        bucket=name,
        backend_url=backend_url(name, clients.region),
    )
    steps: list[Step] = []
    plan.key_arn = probe.key_arn()
    if plan.key_arn is None:
        steps.append("create-key")
    if probe.bucket_exists(name):
        steps.extend(bucket_gaps(probe, name, plan.key_arn))
    else:
        steps.extend(["create-bucket", *BUCKET_SETTINGS])
    if github_oidc and not probe.oidc_exists():
        steps.append("github-oidc")
    plan.actions = [BootstrapAction(step=s, description=DESCRIPTIONS[s]) for s in steps]
    everything: list[Step] = ["create-key", "create-bucket", *BUCKET_SETTINGS]
    if github_oidc:
        everything.append("github-oidc")
    plan.kept = [s for s in everything if s not in steps]
    return plan


def _tls_policy(probe: Probe, bucket: str) -> str:
    """The bucket's policy with the TLS-only statement added (other statements kept)."""
    current = probe.optional(
        "s3",
        f"read the policy of {bucket}",
        "get_bucket_policy",
        {"NoSuchBucketPolicy"},
        Bucket=bucket,
    )
    document: dict[str, Any] = (
        json.loads(current["Policy"]) if current else {"Version": "2012-10-17", "Statement": []}
    )
    document["Statement"] = [s for s in document.get("Statement", []) if s.get("Sid") != TLS_SID]
    document["Statement"].append(
        {
            "Sid": TLS_SID,
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )
    return json.dumps(document)


def _create_key(probe: Probe) -> str:
    key = probe.call(
        "kms",
        "create the state KMS key",
        "create_key",
        Description="scaffold: Pulumi state bucket encryption",
        Tags=[{"TagKey": "scaffold:purpose", "TagValue": "pulumi-state"}],
    )["KeyMetadata"]
    probe.call(
        "kms", "turn on rotation of the state key", "enable_key_rotation", KeyId=key["KeyId"]
    )
    probe.call(
        "kms",
        f"create the alias {KEY_ALIAS}",
        "create_alias",
        AliasName=KEY_ALIAS,
        TargetKeyId=key["KeyId"],
    )
    return str(key["Arn"])


def _apply_step(probe: Probe, step: Step, plan: BootstrapPlan, key_arn: str) -> None:
    b = plan.bucket
    if step == "create-bucket":
        extra = (
            {}
            if plan.region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": plan.region}}
        )
        probe.call("s3", f"create the bucket {b}", "create_bucket", Bucket=b, **extra)
    elif step == "versioning":
        probe.call(
            "s3",
            f"turn on versioning of {b}",
            "put_bucket_versioning",
            Bucket=b,
            VersioningConfiguration={"Status": "Enabled"},
        )
    elif step == "encryption":
        probe.call(
            "s3",
            f"set the default encryption of {b}",
            "put_bucket_encryption",
            Bucket=b,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": key_arn,
                        },
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )
    elif step == "public-access-block":
        probe.call(
            "s3",
            f"block public access to {b}",
            "put_public_access_block",
            Bucket=b,
            PublicAccessBlockConfiguration=PUBLIC_BLOCK,
        )
    elif step == "tls-policy":
        probe.call(
            "s3",
            f"set the TLS-only policy of {b}",
            "put_bucket_policy",
            Bucket=b,
            Policy=_tls_policy(probe, b),
        )
    elif step == "ownership":
        probe.call(
            "s3",
            f"set the ownership controls of {b}",
            "put_bucket_ownership_controls",
            Bucket=b,
            OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        )
    elif step == "github-oidc":
        probe.call(
            "iam",
            "create the GitHub OIDC provider",
            "create_open_id_connect_provider",
            Url=f"https://{GITHUB_OIDC_HOST}",
            ClientIDList=[GITHUB_AUDIENCE],
            ThumbprintList=GITHUB_THUMBPRINTS,
            Tags=[{"Key": "scaffold:purpose", "Value": "github-actions"}],
        )


def apply_bootstrap(
    clients: ClientProvider, plan: BootstrapPlan, *, retry: Retry | None = None
) -> BootstrapResult:
    """Make the planned changes in order. Every step is idempotent, so after a
    failure a re-run plans only what is still missing."""
    probe = Probe(clients, retry or Retry())
    key_arn = plan.key_arn or ""
    result = BootstrapResult(plan=plan, key_arn=key_arn)
    for action in plan.actions:
        try:
            if action.step == "create-key":
                result.key_arn = key_arn = _create_key(probe)
            else:
                _apply_step(probe, action.step, plan, key_arn)
        except KeyboardInterrupt as exc:
            raise Interrupted(
                f"Bootstrap interrupted at '{action.step}'.",
                hint="Run `scaffold bootstrap` again; it only does what is still missing.",
            ) from exc
        except CloudError as exc:
            done = ", ".join(result.applied) or "nothing"
            raise CloudError(
                f"Bootstrap stopped at '{action.step}': {exc.message} Done before it: {done}.",
                hint="Fix the cause (see above) and run `scaffold bootstrap` again; "
                "it only does what is still missing.",
            ) from exc
        result.applied.append(action.step)
    return result


def record_backend(project_dir: Path, url: str) -> Path | None:
    """Write the backend URL to infra/.scaffold-backend, where `scaffold up` and
    friends look first (scaffolder.provision.backend.resolve_backend).

    Returns the file written, or None when there is no infra/ folder (bootstrap
    run outside a project) or the file already names this URL.
    """
    infra = project_dir / "infra"
    if not infra.is_dir():
        return None
    path = infra / BACKEND_FILE
    try:
        if path.is_file() and path.read_text(encoding="utf-8").strip() == url:
            return None
        path.write_text(url + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"Cannot write {path}: {exc.strerror}.",
            hint="The state backend exists; fix the folder's permissions and run "
            "`scaffold bootstrap` again to record it.",
        ) from exc
    return path
