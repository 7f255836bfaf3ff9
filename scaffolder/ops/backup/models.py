"""Typed results of `scaffold backup`: manifests, checks, verification reports."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scaffolder.models import EnvName, Model

BackupKind = Literal["dump", "snapshot"]


class TableCount(Model):
    schema_name: str
    table: str
    rows: int

    @property
    def qualified(self) -> str:
        return f"{self.schema_name}.{self.table}"


class MigrationHead(Model):
    """The newest applied migration recorded in one known migration table."""

    table: str  # "public.alembic_version"
    head: str


class CatalogFacts(Model):
    """What a database holds, as far as a backup check cares."""

    tables: list[TableCount] = Field(default_factory=list)
    schema_hash: str  # sha256 over a normalised catalog query of columns/types/constraints
    migration_heads: list[MigrationHead] = Field(default_factory=list)
    policy_roles: list[str] = Field(default_factory=list)  # roles row-level policies name
    server_version: str = ""


class BackupManifest(Model):
    """Written next to every backup; `backup verify` checks a restore against it."""

    schema_version: Literal["1"] = "1"
    kind: BackupKind
    project: str
    environment: EnvName
    created_at: str  # ISO 8601 UTC, when the facts were read
    facts: CatalogFacts
    excluded_schemas: list[str] = Field(default_factory=list)
    # dump
    dump_key: str | None = None
    dump_sha256: str | None = None
    dump_size: int | None = None
    # snapshot
    snapshot_id: str | None = None


class BackupRunResult(Model):
    project: str
    environment: EnvName
    kind: BackupKind
    location: str  # s3://... for a dump, the snapshot identifier for RDS
    manifest_uri: str
    created_at: str
    size_bytes: int | None = None
    tables: int
    total_rows: int


class CheckResult(Model):
    name: str
    passed: bool
    detail: str


class VerificationReport(Model):
    schema_version: Literal["1"] = "1"
    project: str
    environment: EnvName
    kind: BackupKind
    source: str  # the dump's s3 URI or the snapshot identifier
    manifest_uri: str | None = None
    restore_target: str  # where it was restored: scratch cluster, database, instance id
    started_at: str
    finished_at: str = ""
    checks: list[CheckResult] = Field(default_factory=list)
    passed: bool = False
    report_uri: str | None = None
    notes: list[str] = Field(default_factory=list)  # cleanup and sweep, for the record
    # A pass that protects little: an empty database, for instance (it still passes).
    warnings: list[str] = Field(default_factory=list)

    def failed_checks(self) -> list[CheckResult]:
        return [check for check in self.checks if not check.passed]


class SweepResult(Model):
    deleted: list[str] = Field(default_factory=list)
    kept: list[str] = Field(default_factory=list)  # restore-test instances not yet expired
