"""Typed models at every boundary (docs/architecture.md, 'Data flows one way').

repository --inspect--> RepoFacts --rules--> Finding --score--> ReadinessReport
RepoFacts + answers --> Answers --copier--> files in the repo
infra/Pulumi.<env>.yaml --> EnvironmentSpec --stacks--> AWS
stack outputs (StackOutputs) --> operations

Every model forbids unknown fields so that a typo is an error, not silence. One module per
stage; every name is importable from `scaffolder.models`, as before the split.

The audit's models (evidence, facts, report, environment specs) are dataclasses
(scaffolder/models/record.py); the documents init and the operations read (init's context,
stack outputs, releases) are pydantic models, imported from here only when first named, so
`scaffold audit` never imports pydantic (docs/decisions/0007-audit-models-dataclasses.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scaffolder.models.base import Evidence
from scaffolder.models.ci_run import (
    CI_RUN_FILE,
    CiAppOutcome,
    CiRunRecord,
    CiStepOutcome,
    RecordedCiRun,
    parse_ci_run,
)
from scaffolder.models.repo import (
    AppFacts,
    AppKind,
    AuthFacts,
    AuthKind,
    BrowserBundleFacts,
    DatabaseFacts,
    DatabaseHost,
    DatabaseKind,
    DeployShape,
    DockerfileFacts,
    EnvVarFacts,
    Language,
    LockfileDrift,
    MigrationFacts,
    MigrationTool,
    PackageManager,
    ProductionPieces,
    RecordedVerification,
    RepoFacts,
    RouteFacts,
    ScanWarning,
    SecretFinding,
    SecretKind,
    SupabaseFacts,
    TableRls,
    WarningKind,
    WeaknessConfidence,
    WeaknessSeverity,
    WorkflowFacts,
    WorkflowWeakness,
)

if TYPE_CHECKING:
    from scaffolder.models.environment import (
        API_PATH_PATTERN,
        ENV_NAMES,
        SPEC_CONFIG_KEY,
        AlarmSpec,
        BackupSpec,
        CiAccessSpec,
        DatabaseSpec,
        EnvironmentSpec,
        EnvName,
        ExternalDatabaseSpec,
        NatMode,
        ServiceSpec,
        SiteApiSpec,
    )
    from scaffolder.models.init_context import (
        InitContext,
        NodeToolchain,
        TemplateApp,
        TemplateMigrations,
    )
    from scaffolder.models.outputs import (
        OUTPUTS_PARAMETER_PREFIX,
        OUTPUTS_SOURCE_ENV,
        PROJECT_NAME_ENV,
        RELEASES_PREFIX,
        RESTORE_METRIC_NAME,
        RESTORE_METRIC_NAMESPACE,
        DnsRecord,
        ReleaseRecord,
        RestoreTaskOutputs,
        ServiceOutputs,
        StackOutputs,
        outputs_parameter_name,
    )
    from scaffolder.models.report import (
        CostLine,
        Dimension,
        DimensionScore,
        Finding,
        FindingStatus,
        LaunchStep,
        ReadinessReport,
        RlsAccess,
        RlsCell,
        RlsOperations,
        RlsProbe,
        RlsTableProbe,
        Severity,
    )
    from scaffolder.models.validated import Model

# name -> the module holding it, imported on first use: the pydantic models, and the
# environment specs and report, which the audit's forked history scan does not need
# (inspect/opening.py forks it before they load).
_LAZY = {
    "API_PATH_PATTERN": "scaffolder.models.environment",
    "ENV_NAMES": "scaffolder.models.environment",
    "SPEC_CONFIG_KEY": "scaffolder.models.environment",
    "AlarmSpec": "scaffolder.models.environment",
    "BackupSpec": "scaffolder.models.environment",
    "CiAccessSpec": "scaffolder.models.environment",
    "DatabaseSpec": "scaffolder.models.environment",
    "EnvironmentSpec": "scaffolder.models.environment",
    "EnvName": "scaffolder.models.environment",
    "ExternalDatabaseSpec": "scaffolder.models.environment",
    "NatMode": "scaffolder.models.environment",
    "ServiceSpec": "scaffolder.models.environment",
    "SiteApiSpec": "scaffolder.models.environment",
    "CostLine": "scaffolder.models.report",
    "Dimension": "scaffolder.models.report",
    "DimensionScore": "scaffolder.models.report",
    "Finding": "scaffolder.models.report",
    "FindingStatus": "scaffolder.models.report",
    "LaunchStep": "scaffolder.models.report",
    "ReadinessReport": "scaffolder.models.report",
    "RlsAccess": "scaffolder.models.report",
    "RlsCell": "scaffolder.models.report",
    "RlsOperations": "scaffolder.models.report",
    "RlsProbe": "scaffolder.models.report",
    "RlsTableProbe": "scaffolder.models.report",
    "Severity": "scaffolder.models.report",
    "InitContext": "scaffolder.models.init_context",
    "NodeToolchain": "scaffolder.models.init_context",
    "TemplateApp": "scaffolder.models.init_context",
    "TemplateMigrations": "scaffolder.models.init_context",
    "OUTPUTS_PARAMETER_PREFIX": "scaffolder.models.outputs",
    "OUTPUTS_SOURCE_ENV": "scaffolder.models.outputs",
    "PROJECT_NAME_ENV": "scaffolder.models.outputs",
    "RELEASES_PREFIX": "scaffolder.models.outputs",
    "RESTORE_METRIC_NAME": "scaffolder.models.outputs",
    "RESTORE_METRIC_NAMESPACE": "scaffolder.models.outputs",
    "DnsRecord": "scaffolder.models.outputs",
    "ReleaseRecord": "scaffolder.models.outputs",
    "RestoreTaskOutputs": "scaffolder.models.outputs",
    "ServiceOutputs": "scaffolder.models.outputs",
    "StackOutputs": "scaffolder.models.outputs",
    "outputs_parameter_name": "scaffolder.models.outputs",
    "Model": "scaffolder.models.validated",
}

__all__ = [
    "API_PATH_PATTERN",
    "CI_RUN_FILE",
    "ENV_NAMES",
    "OUTPUTS_PARAMETER_PREFIX",
    "OUTPUTS_SOURCE_ENV",
    "PROJECT_NAME_ENV",
    "RELEASES_PREFIX",
    "RESTORE_METRIC_NAME",
    "RESTORE_METRIC_NAMESPACE",
    "SPEC_CONFIG_KEY",
    "AlarmSpec",
    "AppFacts",
    "AppKind",
    "AuthFacts",
    "AuthKind",
    "BackupSpec",
    "BrowserBundleFacts",
    "CiAccessSpec",
    "CiAppOutcome",
    "CiRunRecord",
    "CiStepOutcome",
    "CostLine",
    "DatabaseFacts",
    "DatabaseHost",
    "DatabaseKind",
    "DatabaseSpec",
    "DeployShape",
    "Dimension",
    "DimensionScore",
    "DnsRecord",
    "DockerfileFacts",
    "EnvName",
    "EnvVarFacts",
    "EnvironmentSpec",
    "Evidence",
    "ExternalDatabaseSpec",
    "Finding",
    "FindingStatus",
    "InitContext",
    "Language",
    "LaunchStep",
    "LockfileDrift",
    "MigrationFacts",
    "MigrationTool",
    "Model",
    "NatMode",
    "NodeToolchain",
    "PackageManager",
    "ProductionPieces",
    "ReadinessReport",
    "RecordedCiRun",
    "RecordedVerification",
    "ReleaseRecord",
    "RepoFacts",
    "RestoreTaskOutputs",
    "RlsAccess",
    "RlsCell",
    "RlsOperations",
    "RlsProbe",
    "RlsTableProbe",
    "RouteFacts",
    "ScanWarning",
    "SecretFinding",
    "SecretKind",
    "ServiceOutputs",
    "ServiceSpec",
    "Severity",
    "SiteApiSpec",
    "StackOutputs",
    "SupabaseFacts",
    "TableRls",
    "TemplateApp",
    "TemplateMigrations",
    "WarningKind",
    "WeaknessConfidence",
    "WeaknessSeverity",
    "WorkflowFacts",
    "WorkflowWeakness",
    "outputs_parameter_name",
    "parse_ci_run",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'scaffolder.models' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
