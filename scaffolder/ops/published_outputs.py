"""Stack outputs published in SSM Parameter Store, for readers without Pulumi state.

`scaffold up` writes the `StackOutputs` JSON to `/scaffold/<project>/<env>/outputs`
(a SecureString under the environment's key, part of the Pulumi program). CI's
deploy role may read exactly that parameter, so the generated workflows set
`SCAFFOLD_OUTPUTS_SOURCE=ssm` and need neither the Pulumi state nor its passphrase.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, cast, get_args

from scaffolder.errors import CloudError, UsageError
from scaffolder.models import (
    OUTPUTS_SOURCE_ENV,
    PROJECT_NAME_ENV,
    EnvName,
    StackOutputs,
    outputs_parameter_name,
)
from scaffolder.ops.clients import ClientProvider, aws_errors

OutputsSource = Literal["pulumi", "ssm"]
SOURCES: tuple[str, ...] = get_args(OutputsSource)
SOURCE_ENV = OUTPUTS_SOURCE_ENV
# Set in the restore-check task (stacks/restore_task.py), which has no checkout and so
# no infra/Pulumi.<env>.yaml to take the project name from; AWS_REGION gives the region.
PROJECT_ENV = PROJECT_NAME_ENV


def outputs_source(choice: str | None, environ: Mapping[str, str]) -> OutputsSource:
    """`--from`, else SCAFFOLD_OUTPUTS_SOURCE, else the Pulumi stack.

    Never a silent fallback from one to the other: a missing passphrase or a wrong
    backend is a mistake to report, not a reason to read another source of truth.
    """
    given = choice if choice is not None else environ.get(SOURCE_ENV, "").strip() or "pulumi"
    if given not in SOURCES:
        where = "--from" if choice is not None else SOURCE_ENV
        raise UsageError(
            f"Unknown stack outputs source '{given}' (from {where}).",
            hint=f"Use one of: {', '.join(SOURCES)}.",
        )
    return cast(OutputsSource, given)


def read_published_outputs(clients: ClientProvider, project: str, env: EnvName) -> StackOutputs:
    """The outputs `scaffold up` published for `env` (needs ssm:GetParameter and kms:Decrypt)."""
    from botocore.exceptions import ClientError

    name = outputs_parameter_name(project, env)
    ssm = clients.client("ssm")
    with aws_errors(f"read the {env} stack outputs from SSM ({name})"):
        try:
            response = ssm.get_parameter(Name=name, WithDecryption=True)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ParameterNotFound":
                raise
            raise CloudError(
                f"The {env} stack outputs are not published in SSM ({name}, {clients.region}).",
                hint=f"Run `scaffold up {env}` with this version of scaffold; it publishes them.",
            ) from exc
    try:
        return StackOutputs.model_validate_json(response["Parameter"]["Value"])
    except ValueError as exc:
        raise CloudError(
            f"The SSM parameter {name} does not hold valid stack outputs.",
            hint=f"Run `scaffold up {env}` to write them again.",
        ) from exc
