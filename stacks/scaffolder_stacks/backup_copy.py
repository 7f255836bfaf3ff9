"""A second region for prod's recovery points: a locked vault, under its own key.

AWS Backup's daily rule copies each recovery point there (`copy_actions`), so a
regional outage, or someone deleting the first vault's recovery points, does not
lose the backups. The vault is locked in governance mode (no
`changeable_for_days`): nobody without `backup:DeleteBackupVaultLockConfiguration`
can delete a copy before `min_retention_days`, and an administrator still can
undo the lock (compliance mode could never be undone).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder_stacks._common import child, key_policy

LOCK_MAX_RETENTION_DAYS = 365  # the longest a copy may be kept: room to raise retention


@dataclass
class CopyVaultArgs:
    prefix: str
    region: str  # the copy region (catalog.backup_copy_region)
    retention_days: int  # how long copies are kept: the vault lock's minimum
    tags: dict[str, str]


class CopyVault(pulumi.ComponentResource):
    """The vault in `region`, its KMS key there, and the governance-mode vault lock."""

    provider: aws.Provider
    key: aws.kms.Key
    vault: aws.backup.Vault

    def __init__(
        self, name: str, args: CopyVaultArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("scaffold:backups:CopyVault", name, None, opts)
        self.provider = aws.Provider(f"{name}-region", region=args.region, opts=child(self))
        there = child(self, provider=self.provider)
        # Outlives `destroy`: the copies are what is left when the environment is gone,
        # and deleting their key would make them unreadable.
        kept = child(self, provider=self.provider, retain_on_delete=True)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        # A KMS key serves only its own region: the copies need one where they live.
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"{args.prefix}: backup copies in {args.region}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.json_dumps(
                identity.account_id.apply(lambda account: key_policy(account, args.region))
            ),
            tags=args.tags,
            opts=kept,
        )
        aws.kms.Alias(
            f"{name}-key-alias",
            name=naming.physical_name(naming.KMS_ALIAS, args.prefix, "backup-copies"),
            target_key_id=self.key.key_id,
            opts=there,
        )
        self.vault = aws.backup.Vault(
            f"{name}-vault",
            name=naming.physical_name(naming.BACKUP_VAULT, args.prefix, "copies"),
            kms_key_arn=self.key.arn,
            tags=args.tags,
            opts=kept,
        )
        aws.backup.VaultLockConfiguration(
            f"{name}-lock",
            backup_vault_name=self.vault.name,
            min_retention_days=args.retention_days,
            max_retention_days=max(args.retention_days, LOCK_MAX_RETENTION_DAYS),
            # No changeable_for_days: governance mode, which an administrator can lift.
            opts=kept,
        )
        self.register_outputs({"vault_arn": self.vault.arn})
