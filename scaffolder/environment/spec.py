"""EnvironmentSpec: the per-environment settings (docs/architecture.md, 'Environments').

`default_spec` is the single source of the dev / staging / prod differences;
`scaffold init` writes its result into infra/Pulumi.<env>.yaml under the
`scaffold:spec` key, the user may edit it there, and `load_spec` reads it back
for the stacks, `scaffold plan` and the operations commands.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any, Literal

from scaffolder.aws_rules.regions import paired_region
from scaffolder.errors import InputError, UsageError
from scaffolder.models import (
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
)


def _database_for(env: EnvName) -> DatabaseSpec:
    if env == "dev":
        return DatabaseSpec(instance_class="db.t4g.micro", backup_retention_days=1)
    if env == "staging":
        return DatabaseSpec(
            instance_class="db.t4g.small",
            backup_retention_days=7,
            deletion_protection=True,
            final_snapshot=True,
        )
    return DatabaseSpec(
        instance_class="db.t4g.medium",
        allocated_storage_gb=50,
        max_allocated_storage_gb=500,
        multi_az=True,
        backup_retention_days=30,
        point_in_time_recovery=True,
        deletion_protection=True,
        final_snapshot=True,
    )


def _backups_for(env: EnvName, region: str) -> BackupSpec:
    if env == "dev":
        return BackupSpec(retention_days=1)
    if env == "staging":
        return BackupSpec(
            retention_days=7,
            restore_test_schedule="cron(0 5 ? * SUN *)",
            verify_window_days=8,
        )
    return BackupSpec(
        retention_days=30,
        cold_storage_after_days=None,
        restore_test_schedule="cron(0 5 ? * SUN *)",
        verify_window_days=8,
        copy_region=paired_region(region),
    )


# dev and staging: one NAT instance (~$7/month) is the cheapest egress that works for
# any app: a NAT gateway is ~$37, and "none" needs six interface endpoints in each of
# two zones (~$88). prod: one NAT gateway per zone, so one zone's outage keeps egress.
def _nat_for(env: EnvName) -> NatMode:
    return "gateway" if env == "prod" else "instance"


_PROVIDERS: dict[str, Literal["supabase", "neon", "other"]] = {
    "supabase": "supabase",
    "neon": "neon",
    "other": "other",
}


def default_spec(
    *,
    project: str,
    env: EnvName,
    region: str,
    services: list[ServiceSpec],
    secret_names: list[str],
    self_hosted_postgres: bool,
    external_provider: str | None = None,
    alarm_email: str | None = None,
    github_repository: str | None = None,
) -> EnvironmentSpec:
    """The settings docs/architecture.md, 'Environments' gives `env`."""
    sized = [_size_service(s, env) for s in services]
    provider = _PROVIDERS.get(external_provider or "")
    external = ExternalDatabaseSpec(provider=provider) if provider else None
    return EnvironmentSpec(
        project=project,
        environment=env,
        region=region,
        database=_database_for(env) if self_hosted_postgres else None,
        external_database=external,
        services=sized,
        secret_names=sorted(set(secret_names)),
        backups=_backups_for(env, region),
        # dev alarms go nowhere, staging and prod mail the owner (docs/architecture.md,
        # 'Environments').
        alarms=AlarmSpec(email=None if env == "dev" else alarm_email),
        ci=(
            CiAccessSpec(
                github_repository=github_repository,
                github_environment=env,
                branch_deploys=env == "dev",
            )
            if github_repository
            else None
        ),
        nat=_nat_for(env),
        nat_gateways=2 if env == "prod" else 0,
        tags={"scaffold:project": project, "scaffold:environment": env},
    )


def _size_service(service: ServiceSpec, env: EnvName) -> ServiceSpec:
    if env == "prod":
        return service.model_copy(
            update={
                "cpu": 512,
                "memory": 1024,
                "desired_count": 2,
                "min_count": 2,
                "max_count": 4,
                "log_retention_days": 90,
            }
        )
    if env == "staging":
        return service.model_copy(update={"log_retention_days": 30})
    return service.model_copy(update={"log_retention_days": 7})


def check_env_name(env: str) -> EnvName:
    if env not in ENV_NAMES:
        raise UsageError(
            f"Unknown environment '{env}'.", hint=f"Use one of: {', '.join(ENV_NAMES)}."
        )
    return env


def spec_path(infra_dir: Path, env: EnvName) -> Path:
    return infra_dir / f"Pulumi.{env}.yaml"


def load_spec(infra_dir: Path, env: str) -> EnvironmentSpec:
    """Read infra/Pulumi.<env>.yaml; one clear sentence when it is missing or malformed."""
    name = check_env_name(env)
    path = spec_path(infra_dir, name)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as exc:
        raise missing_spec(infra_dir, name) from exc
    except OSError as exc:
        raise InputError(
            f"Cannot read {path}: {exc.strerror or exc}.",
            hint="Check the file's permissions, or restore it with git.",
        ) from exc
    from ruamel.yaml import YAML  # here: the audit uses this module but reads no spec
    from ruamel.yaml.error import YAMLError

    try:
        document = YAML(typ="safe").load(text)
    except (YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path} is not valid YAML: {_first_line(exc)}.",
            hint="Fix the file, or restore it with git.",
        ) from exc
    return parse_spec(document, source=str(path))


def missing_spec(infra_dir: Path, env: EnvName) -> InputError:
    """The error for a missing infra/Pulumi.<env>.yaml: which project, and what to do.

    A folder with no environment at all is not a scaffold project (the command ran
    in the wrong place); one with other environments just lacks this one.
    """
    names = (p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in _specs(infra_dir))
    others = sorted(name for name in names if name in ENV_NAMES)
    if others:
        return InputError(
            f"{spec_path(infra_dir, env)} does not exist: the project has no {env} environment.",
            hint=f"Its environments: {', '.join(others)}. Add {env} with `scaffold init --data "
            f"environments={','.join([*others, env])}`.",
        )
    project = infra_dir.parent if infra_dir.name == "infra" else infra_dir
    shown = spec_path(Path(infra_dir.name) if infra_dir.name == "infra" else infra_dir, env)
    return InputError(
        f"{project.resolve()} is not a scaffold project (no {shown}).",
        hint="Run `scaffold init` there first (it writes infra/Pulumi.<env>.yaml per "
        "environment), or pass the project's folder with --project DIR (-C DIR).",
    )


def _specs(infra_dir: Path) -> list[Path]:
    try:
        return list(infra_dir.glob("Pulumi.*.yaml"))
    except OSError:
        return []


def parse_spec(document: Any, *, source: str) -> EnvironmentSpec:
    config = document.get("config") if isinstance(document, dict) else None
    raw = config.get(SPEC_CONFIG_KEY) if isinstance(config, dict) else None
    if not isinstance(raw, dict):
        raise InputError(
            f"{source} has no '{SPEC_CONFIG_KEY}' mapping under 'config'.",
            hint="Re-run `scaffold init` to restore it.",
        )
    data = dict(raw)
    region = config.get("aws:region") if isinstance(config, dict) else None
    if region and "region" not in data:
        data["region"] = region
    from pydantic import ValidationError  # here: the audit builds specs but reads none

    try:
        return EnvironmentSpec.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise InputError(
            f"{source}: setting '{where}' is invalid: {problem['msg']}.",
            hint="Compare with docs/provision.md, or re-run `scaffold init`.",
        ) from exc


def render_spec_yaml(spec: EnvironmentSpec) -> str:
    """The Pulumi.<env>.yaml document for `spec` (used by the template renderer)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    out = StringIO()
    yaml.dump(
        {
            "config": {
                "aws:region": spec.region,
                SPEC_CONFIG_KEY: spec.model_dump(mode="json", exclude={"region"}),
            }
        },
        out,
    )
    return out.getvalue()


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
