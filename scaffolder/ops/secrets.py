"""`scaffold secrets push|set|list ENV`: the app's variables in the environment's
Secrets Manager secret (StackOutputs.app_secret_arn), a JSON object NAME -> value.

Values only travel between the caller and Secrets Manager: results carry names
and dates, never values, so nothing downstream can print one by mistake.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import Field

from scaffolder.errors import InputError, UsageError
from scaffolder.models import EnvName, Model
from scaffolder.ops.context import OpsContext

MAX_VERSIONS = 20  # how far back `list` looks for when each value last changed


class SecretsChange(Model):
    environment: EnvName
    secret_arn: str
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list)  # pushed, but not in .env.example
    missing: list[str] = Field(default_factory=list)  # in .env.example, absent from the secret
    # Names the platform sets itself in this environment (PORT, and DATABASE_URL
    # where RDS runs): storing them would be ignored by the tasks, so they are not.
    platform_set: list[str] = Field(default_factory=list)
    written: bool = False  # False when nothing changed: no new secret version was made


class SecretEntry(Model):
    name: str
    last_changed: str | None  # ISO 8601; None when the secret's history does not say


class SecretListing(Model):
    environment: EnvName
    secret_arn: str
    entries: list[SecretEntry] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


def _decode(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        # Never quote the content: it is a secret.
        raise InputError(
            "The app secret does not hold a JSON object of variables.",
            hint="Fix it in the Secrets Manager console, or overwrite it with "
            "`scaffold secrets push`.",
        )
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}


def _is_empty_secret(exc: BaseException) -> bool:
    """A secret created without a value has no AWSCURRENT version yet."""
    from botocore.exceptions import ClientError

    cause = exc.__cause__
    return (
        isinstance(cause, ClientError)
        and cause.response.get("Error", {}).get("Code") == "ResourceNotFoundException"
    )


def read_values(ctx: OpsContext, version_id: str | None = None) -> dict[str, str]:
    from scaffolder.errors import CloudError

    sm = ctx.clients.client("secretsmanager")
    kwargs: dict[str, Any] = {"SecretId": ctx.outputs.app_secret_arn}
    if version_id:
        kwargs["VersionId"] = version_id
    try:
        response = ctx.retry.call(
            f"read the {ctx.env} app secret", lambda: sm.get_secret_value(**kwargs)
        )
    except CloudError as exc:
        if _is_empty_secret(exc) and version_id is None:
            return {}
        raise
    return _decode(response.get("SecretString"))


def push(
    ctx: OpsContext, values: dict[str, str], *, example: list[str] | None = None
) -> SecretsChange:
    """Merge `values` into the app secret; write a new version only if something changed."""
    from scaffolder.environment.catalog import reserved_env_names_for

    platform = reserved_env_names_for(
        self_hosted_database=ctx.outputs.db_instance_identifier is not None
    )
    ignored = sorted(name for name in values if name in platform)
    values = {name: value for name, value in values.items() if name not in platform}
    current = read_values(ctx)
    change = SecretsChange(
        environment=ctx.env, secret_arn=ctx.outputs.app_secret_arn, platform_set=ignored
    )
    for name, value in values.items():
        if name not in current:
            change.added.append(name)
        elif current[name] != value:
            change.updated.append(name)
        else:
            change.unchanged.append(name)
    for names in (change.added, change.updated, change.unchanged):
        names.sort()
    merged = {**current, **values}
    if change.added or change.updated:
        sm = ctx.clients.client("secretsmanager")
        body = json.dumps(merged, sort_keys=True)
        ctx.retry.call(
            f"write the {ctx.env} app secret",
            lambda: sm.put_secret_value(SecretId=ctx.outputs.app_secret_arn, SecretString=body),
            hint="No new version was written; run the command again in a minute.",
        )
        change.written = True
    if example is not None:
        change.unknown = sorted(set(values) - set(example))
        change.missing = sorted(set(example) - set(merged) - platform)
    return change


def check_name(name: str) -> str:
    from scaffolder.ops.dotenv import VALID_NAME

    if not VALID_NAME.match(name):
        # The name is an argument the user typed, not a file's content: a usage error.
        raise UsageError(
            f"'{name}' is not a valid variable name.",
            hint="Use letters, digits and underscores, not starting with a digit.",
        )
    return name


def set_value(
    ctx: OpsContext, name: str, value: str, *, example: list[str] | None = None
) -> SecretsChange:
    return push(ctx, {check_name(name): value}, example=example)


def _rank(stages: list[str]) -> int:
    """Versions created in the same second are ordered by their labels: current first."""
    return 2 if "AWSCURRENT" in stages else 1 if "AWSPREVIOUS" in stages else 0


def _versions(ctx: OpsContext) -> list[tuple[datetime, str]]:
    """(created, version id) of the secret's versions, newest first."""
    sm = ctx.clients.client("secretsmanager")
    versions: list[tuple[datetime, int, str]] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"SecretId": ctx.outputs.app_secret_arn, "IncludeDeprecated": True}
        if token:
            kwargs["NextToken"] = token
        page = ctx.retry.call(
            f"list the versions of the {ctx.env} app secret",
            lambda kw=kwargs: sm.list_secret_version_ids(**kw),  # type: ignore[misc]
        )
        versions.extend(
            (v["CreatedDate"], _rank(v.get("VersionStages", [])), v["VersionId"])
            for v in page.get("Versions", [])
        )
        token = page.get("NextToken")
        if not token:
            break
    versions.sort(reverse=True)
    return [(created, version_id) for created, _rank_, version_id in versions]


def list_names(ctx: OpsContext, *, example: list[str] | None = None) -> SecretListing:
    """Names, and when each one's value last changed (walking back through versions)."""
    current = read_values(ctx)
    changed: dict[str, str | None] = dict.fromkeys(current)
    settled: set[str] = set()
    for created, version_id in _versions(ctx)[:MAX_VERSIONS]:
        older = read_values(ctx, version_id)
        for name, value in current.items():
            if name in settled:
                continue
            if older.get(name) == value:
                changed[name] = created.isoformat()  # the value already held here
            else:
                settled.add(name)
        if len(settled) == len(current):
            break
    listing = SecretListing(environment=ctx.env, secret_arn=ctx.outputs.app_secret_arn)
    listing.entries = [SecretEntry(name=n, last_changed=changed[n]) for n in sorted(current)]
    if example is not None:
        listing.missing = sorted(set(example) - set(current))
    return listing
