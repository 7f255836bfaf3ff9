"""Verified backups: `scaffold backup run|verify ENV`.

RDS environments: tagged manual snapshots, verified by restoring into a temporary
private instance. External Postgres (Supabase, Neon): logical dumps in the
encrypted backup bucket, verified by restoring into a scratch Postgres.
See docs/operations.md, "Backups".
"""

from scaffolder.ops.backup.api import (
    BackupContext,
    raise_if_failed,
    run_backup,
    sweep,
    verify_backup,
)
from scaffolder.ops.backup.models import (
    BackupManifest,
    BackupRunResult,
    CheckResult,
    SweepResult,
    VerificationReport,
)

__all__ = [
    "BackupContext",
    "BackupManifest",
    "BackupRunResult",
    "CheckResult",
    "SweepResult",
    "VerificationReport",
    "raise_if_failed",
    "run_backup",
    "sweep",
    "verify_backup",
]
