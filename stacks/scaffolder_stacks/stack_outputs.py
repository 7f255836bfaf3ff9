"""An environment's stack outputs: one value per StackOutputs field, also published in SSM.

Operations read them (docs/architecture.md, 'Contracts between stages'): through
Pulumi, or, in CI without Pulumi state, from the one SSM parameter `publish_outputs`
writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws as aws

from scaffolder.models import outputs_parameter_name
from scaffolder_stacks._common import child

if TYPE_CHECKING:
    from scaffolder_stacks.environment import EnvironmentStack

# SSM's standard tier holds values up to 4 KB (free); the advanced tier 8 KB.
STANDARD_PARAMETER_BYTES = 4096


def publish_outputs(stack: EnvironmentStack) -> aws.ssm.Parameter:
    """The outputs as one SSM SecureString, so CI reads them without Pulumi state.

    One JSON parameter rather than one per field: a single GetParameter, one ARN
    to grant the deploy role, and a reader never sees half of an update. The size
    depends on the project's name length and service count (0.8 to 2 KB, plus 0.3
    to 0.7 KB per service), so the tier follows the value: standard (free) while
    it fits 4 KB, advanced (8 KB, USD 0.05 a month) beyond.
    """
    spec, prefix = stack.spec, stack.prefix
    value = pulumi.Output.json_dumps(stack.outputs(), separators=(",", ":"))
    return aws.ssm.Parameter(
        f"{prefix}-outputs",
        name=outputs_parameter_name(spec.project, spec.environment),
        description=f"Stack outputs of {prefix} (written by scaffold up; read by CI)",
        type="SecureString",
        key_id=stack.key.arn,
        value=value,
        tier=value.apply(
            lambda v: "Standard" if len(v.encode()) <= STANDARD_PARAMETER_BYTES else "Advanced"
        ),
        tags=stack.tags,
        # AWS refuses to move a parameter back to the standard tier; replacing it
        # under the same name needs the old one gone first.
        opts=child(stack, delete_before_replace=True),
    )


def stack_outputs(stack: EnvironmentStack) -> dict[str, Any]:
    """One value per StackOutputs field (None fields left out)."""
    spec = stack.spec
    services = [server.stack_output(stack.cluster.name) for server in stack.servers]
    services += [site.stack_output() for site in stack.statics]
    values: dict[str, Any] = {
        "project": spec.project,
        "environment": spec.environment,
        "region": spec.region,
        "services": services,
        "backup_bucket_name": stack.backups.bucket.bucket.bucket,
        "artifacts_bucket_name": stack.artifacts.bucket.bucket,
        "kms_key_arn": stack.key.arn,
        "app_secret_arn": stack.secret.secret.arn,
        "alarm_topic_arn": stack.topic.topic.arn,
    }
    if stack.database is not None and stack.network is not None and spec.database:
        values |= {
            "db_instance_identifier": stack.database.instance.identifier,
            "db_secret_arn": stack.database.master_secret_arn,
            "db_security_group_id": stack.network.db_sg.id,
            "db_subnet_group_name": stack.database.subnet_group.name,
            "db_name": spec.database.database_name,
        }
    if stack.backups.vault is not None:
        values["backup_vault_name"] = stack.backups.vault.name
    if stack.restore_task is not None:
        values["restore_task"] = stack.restore_task.stack_output()
    if stack.ci is not None:
        values["deploy_role_arn"] = stack.ci.role.arn
        if stack.ci.verify_role is not None:
            values["verify_role_arn"] = stack.ci.verify_role.arn
    return values
