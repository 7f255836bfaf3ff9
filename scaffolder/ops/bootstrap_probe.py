"""Read-only probes of the account for `scaffold bootstrap`: what exists, and
which of the state bucket's settings are missing or wrong."""

from __future__ import annotations

import json
from typing import Any, Literal

from scaffolder.errors import CloudError
from scaffolder.ops.clients import ClientProvider
from scaffolder.ops.retry import Retry

KEY_ALIAS = "alias/scaffold-state"
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
TLS_SID = "DenyInsecureTransport"
PUBLIC_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}

Step = Literal[
    "create-key",
    "create-bucket",
    "versioning",
    "encryption",
    "public-access-block",
    "tls-policy",
    "ownership",
    "github-oidc",
]


def _code(exc: CloudError) -> str:
    from botocore.exceptions import ClientError

    cause = exc.__cause__
    if isinstance(cause, ClientError):
        return str(cause.response.get("Error", {}).get("Code", ""))
    return ""


class Probe:
    """Reads the account's current state; every call through the retry policy."""

    def __init__(self, clients: ClientProvider, retry: Retry) -> None:
        self.clients = clients
        self.retry = retry

    def call(self, service: str, action: str, method: str, **kwargs: Any) -> Any:
        client = self.clients.client(service)
        return self.retry.call(action, lambda: getattr(client, method)(**kwargs))

    def optional(self, service: str, action: str, method: str, missing: set[str], **kw: Any) -> Any:
        """The call's result, or None when AWS says the thing does not exist."""
        try:
            return self.call(service, action, method, **kw)
        except CloudError as exc:
            if _code(exc) in missing:
                return None
            raise

    def key_arn(self) -> str | None:
        found = self.optional(
            "kms", f"look up {KEY_ALIAS}", "describe_key", {"NotFoundException"}, KeyId=KEY_ALIAS
        )
        return str(found["KeyMetadata"]["Arn"]) if found else None

    def bucket_exists(self, bucket: str) -> bool:
        try:
            self.call("s3", f"look up the bucket {bucket}", "head_bucket", Bucket=bucket)
        except CloudError as exc:
            if _code(exc) in ("404", "NoSuchBucket", "NotFound"):
                return False
            if _code(exc) in ("403", "AccessDenied"):
                raise CloudError(
                    f"The bucket {bucket} exists but these credentials cannot read it: "
                    "another AWS account owns the name, or your role lacks s3:ListBucket.",
                    hint="Choose another name with --bucket, or use the account's admin role.",
                ) from exc
            raise
        return True

    def oidc_exists(self) -> bool:
        listed = self.call("iam", "list the IAM OIDC providers", "list_open_id_connect_providers")
        return any(
            str(p["Arn"]).endswith(f"oidc-provider/{GITHUB_OIDC_HOST}")
            for p in listed.get("OpenIDConnectProviderList", [])
        )


def bucket_gaps(probe: Probe, bucket: str, key_arn: str | None) -> list[Step]:
    gaps: list[Step] = []
    versioning = probe.call(
        "s3", f"read the versioning of {bucket}", "get_bucket_versioning", Bucket=bucket
    )
    if versioning.get("Status") != "Enabled":
        gaps.append("versioning")
    enc = probe.optional(
        "s3",
        f"read the encryption of {bucket}",
        "get_bucket_encryption",
        {"ServerSideEncryptionConfigurationNotFoundError"},
        Bucket=bucket,
    )
    rules = (enc or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    defaults = [r.get("ApplyServerSideEncryptionByDefault", {}) for r in rules]
    if not any(
        d.get("SSEAlgorithm") == "aws:kms" and d.get("KMSMasterKeyID") in (key_arn, KEY_ALIAS)
        for d in defaults
    ):
        gaps.append("encryption")
    block = probe.optional(
        "s3",
        f"read the public access block of {bucket}",
        "get_public_access_block",
        {"NoSuchPublicAccessBlockConfiguration"},
        Bucket=bucket,
    )
    if (block or {}).get("PublicAccessBlockConfiguration") != PUBLIC_BLOCK:
        gaps.append("public-access-block")
    policy = probe.optional(
        "s3",
        f"read the policy of {bucket}",
        "get_bucket_policy",
        {"NoSuchBucketPolicy"},
        Bucket=bucket,
    )
    statements = json.loads(policy["Policy"]).get("Statement", []) if policy else []
    if not any(s.get("Sid") == TLS_SID for s in statements):
        gaps.append("tls-policy")
    ownership = probe.optional(
        "s3",
        f"read the ownership controls of {bucket}",
        "get_bucket_ownership_controls",
        {"OwnershipControlsNotFoundError"},
        Bucket=bucket,
    )
    rules = (ownership or {}).get("OwnershipControls", {}).get("Rules", [])
    if [r.get("ObjectOwnership") for r in rules] != ["BucketOwnerEnforced"]:
        gaps.append("ownership")
    return gaps
