"""What an operations command needs, resolved once: the project directory, the
environment's spec (if the project has one), its stack outputs, the AWS client
provider, a clock, a sleep and a retry policy.

The CLI builds an `OpsContext` with `resolve_context`; tests build one directly
with moto or Stubber clients, a fake clock and a recording sleep.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from scaffolder.environment.spec import check_env_name, load_spec, spec_path
from scaffolder.errors import InputError, UsageError
from scaffolder.models import EnvironmentSpec, EnvName, StackOutputs
from scaffolder.ops.clients import ClientProvider
from scaffolder.ops.published_outputs import (
    PROJECT_ENV,
    outputs_source,
    read_published_outputs,
)
from scaffolder.ops.retry import Retry


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class OpsContext:
    """Everything an operation needs; tests swap any part."""

    outputs: StackOutputs
    clients: ClientProvider
    spec: EnvironmentSpec | None = None
    project_dir: Path | None = None
    clock: Callable[[], datetime] = utc_now
    sleep: Callable[[float], None] = time.sleep
    retry: Retry = field(default_factory=Retry)

    @property
    def env(self) -> EnvName:
        return self.outputs.environment


def read_outputs_file(path: Path) -> StackOutputs:
    """Stack outputs from the JSON of `scaffold outputs ENV --json` (CI, offline)."""
    try:
        return StackOutputs.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(
            f"Cannot read {path}: {exc.strerror}.",
            hint="Write it with `scaffold outputs ENV --json > FILE`, or leave out --outputs.",
        ) from exc
    except ValueError as exc:
        raise InputError(
            f"{path} is not a valid stack outputs JSON document.",
            hint="Write it with `scaffold outputs ENV --json`.",
        ) from exc


# Reads the stack outputs from the Pulumi stack. Operations sit beside provisioning,
# not above it (docs/architecture.md, 'Import direction'), so the CLI injects this.
StackOutputsReader = Callable[[Path, EnvName], StackOutputs]


def read_ssm_outputs(
    project_dir: Path, env: EnvName, clients: Callable[[str], ClientProvider] | None = None
) -> tuple[StackOutputs, ClientProvider]:
    """The outputs `scaffold up` published in SSM; project and region from the env's spec."""
    spec = load_spec(project_dir / "infra", env)
    provider = _provider(clients, spec.region)
    return read_published_outputs(provider, spec.project, env), provider


def _provider(clients: Callable[[str], ClientProvider] | None, region: str) -> ClientProvider:
    if clients is not None:
        return clients(region)
    from scaffolder.ops.clients import Boto3ClientProvider

    return Boto3ClientProvider(region=region)


def resolve_outputs(
    project_dir: Path,
    env: EnvName,
    outputs_file: Path | None,
    stack_outputs: StackOutputsReader | None = None,
) -> StackOutputs:
    if outputs_file is not None:
        outputs = read_outputs_file(outputs_file)
    elif stack_outputs is not None:
        outputs = stack_outputs(project_dir, env)
    else:
        raise UsageError(
            "This command cannot read the Pulumi stack outputs here.",
            hint="Pass --outputs FILE with the JSON of `scaffold outputs ENV --json`.",
        )
    return _check_environment(outputs, env)


def _check_environment(outputs: StackOutputs, env: EnvName) -> StackOutputs:
    if outputs.environment != env:
        raise UsageError(
            f"The stack outputs are for {outputs.environment}, not {env}.",
            hint="Pass the outputs file of the environment you named.",
        )
    return outputs


def resolve_spec(project_dir: Path, env: EnvName) -> EnvironmentSpec | None:
    """The environment's spec when the project has infra/Pulumi.<env>.yaml, else None."""
    try:
        present = spec_path(project_dir / "infra", env).is_file()
    except OSError:
        present = True  # unreadable: load_spec says so (exit 3)
    if not present:
        return None
    return load_spec(project_dir / "infra", env)


def resolve_context(
    env: str,
    *,
    project: Path | None = None,
    outputs_file: Path | None = None,
    clients: Callable[[str], ClientProvider] | None = None,
    with_spec: bool = False,
    spec_required: bool = False,
    environ: Mapping[str, str] | None = None,
    stack_outputs: StackOutputsReader | None = None,
) -> OpsContext:
    """Build the context of a command: `clients(region)` makes the provider (default boto3).

    The spec is read only when asked for: a malformed infra/Pulumi.<env>.yaml
    must not stand between a user and an emergency rollback. `spec_required`
    makes a missing spec an error (read first: the stack cannot be found without it).
    Without --outputs, SCAFFOLD_OUTPUTS_SOURCE=ssm (set by the generated workflows)
    reads the outputs `scaffold up` published in SSM instead of the Pulumi stack;
    otherwise `stack_outputs` reads the Pulumi stack (the CLI passes provisioning's reader).
    """
    name = check_env_name(env)
    root = (project or Path.cwd()).resolve()
    environ = os.environ if environ is None else environ
    source = outputs_source(None, environ)
    if outputs_file is None and source == "ssm" and _in_task(root, name, environ):
        return _task_context(root, name, environ, clients)
    spec = load_spec(root / "infra", name) if spec_required else None
    provider: ClientProvider | None = None
    if outputs_file is None and source == "ssm":
        outputs, provider = read_ssm_outputs(root, name, clients)
        outputs = _check_environment(outputs, name)
    else:
        outputs = resolve_outputs(root, name, outputs_file, stack_outputs)
    if spec is None and with_spec:
        spec = resolve_spec(root, name)
    if provider is None or provider.region != outputs.region:
        provider = _provider(clients, outputs.region)
    return OpsContext(outputs=outputs, clients=provider, spec=spec, project_dir=root)


def _in_task(root: Path, env: EnvName, environ: Mapping[str, str]) -> bool:
    """Inside the restore-check task: its project name is set and there is no checkout."""
    if not environ.get(PROJECT_ENV, "").strip():
        return False
    try:
        return not spec_path(root / "infra", env).is_file()
    except OSError:
        return False


def _task_context(
    root: Path,
    env: EnvName,
    environ: Mapping[str, str],
    clients: Callable[[str], ClientProvider] | None,
) -> OpsContext:
    """The restore-check task's context: the published outputs, no spec (the command line
    carries what the spec would say: ops/backup/api.verify_in_task)."""
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise UsageError(
            f"{PROJECT_ENV} is set but AWS_REGION is not.",
            hint="Set AWS_REGION to the environment's region.",
        )
    provider = _provider(clients, region)
    outputs = read_published_outputs(provider, environ[PROJECT_ENV].strip(), env)
    return OpsContext(
        outputs=_check_environment(outputs, env), clients=provider, spec=None, project_dir=root
    )
