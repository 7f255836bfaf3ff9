"""`scaffold preview|up|destroy|outputs`: the only module that imports pulumi.automation.

The program is inline (`scaffolder_stacks.environment.program(spec)`), run against the
stack named after the environment in infra/, with the state backend chosen by
`backend.resolve_backend` and the passphrase secrets provider. Every Pulumi and
AWS failure leaves this module as a scaffolder.errors exception.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.environment.spec import check_env_name, load_spec
from scaffolder.errors import (
    CloudError,
    CredentialsError,
    InputError,
    MissingToolError,
    SafetyRefusal,
)
from scaffolder.models import EnvironmentSpec, Model, StackOutputs
from scaffolder.provision import backend, safety

if TYPE_CHECKING:
    from pulumi import automation as auto

PULUMI_INSTALL_HINT = (
    "Install the Pulumi CLI (https://www.pulumi.com/docs/install/, e.g. "
    "`curl -fsSL https://get.pulumi.com | sh` or `brew install pulumi`); "
    "`scaffold plan` works without it."
)
_CREDENTIAL_PATTERNS = re.compile(
    r"NoCredentialProviders|no valid credential sources|ExpiredToken|InvalidClientTokenId|"
    r"SignatureDoesNotMatch|security token included in the request is (invalid|expired)|"
    r"failed to refresh cached credentials|UnrecognizedClientException",
    re.IGNORECASE,
)
_REGION_PATTERNS = re.compile(r"missing region|MissingRegion|aws:region", re.IGNORECASE)


@dataclass
class ProvisionDeps:
    """What the commands need from the outside world, injected for tests."""

    on_output: Callable[[str], None] = lambda line: None  # progress lines (stderr)
    confirm: Callable[[str], bool] | None = None  # None: nobody can answer
    prompt_secret: Callable[[str], str] | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


class ProvisionResult(Model):
    environment: str
    action: str
    summary: safety.ChangeSummary | None = None
    outputs: StackOutputs | None = None


def _pulumi_root(environ: Mapping[str, str]) -> str:
    found = shutil.which("pulumi", path=environ.get("PATH", os.defpath))
    if found is None:
        raise MissingToolError("The Pulumi CLI is not installed.", hint=PULUMI_INSTALL_HINT)
    # PulumiCommand wants the installation root: <root>/bin/pulumi.
    return str(Path(found).resolve().parent.parent)


def _first_error_line(text: str) -> str:
    for line in text.splitlines():
        if "error" in line.lower():
            return line.strip().removeprefix("error:").strip()
    return text.strip().splitlines()[-1] if text.strip() else "unknown error"


@contextmanager
def translate_errors(env: str) -> Iterator[None]:
    """Turn Pulumi CLI failures into one sentence, a hint and an exit code."""
    from pulumi.automation import errors as auto_errors

    try:
        yield
    except auto_errors.ConcurrentUpdateError as exc:
        raise CloudError(
            f"Another update of the {env} stack is running (the stack is locked).",
            hint=f"Wait for it to finish. If it crashed, run `pulumi cancel --stack {env}` "
            "in infra/ with the same backend, then retry.",
        ) from exc
    except auto_errors.StackNotFoundError as exc:
        raise CloudError(
            f"There is no {env} stack in this state backend yet.",
            hint=f"Run `scaffold up {env}` first (or check infra/Pulumi.yaml's backend).",
        ) from exc
    except auto_errors.InvalidVersionError as exc:
        raise MissingToolError(
            f"The installed Pulumi CLI is too old: {exc}", hint=PULUMI_INSTALL_HINT
        ) from exc
    except auto_errors.CommandError as exc:
        text = f"{exc}"
        if _CREDENTIAL_PATTERNS.search(text):
            raise CredentialsError("AWS credentials are missing or expired.") from exc
        if _REGION_PATTERNS.search(text) and "region" in _first_error_line(text).lower():
            raise InputError(
                "No AWS region is set for this stack.",
                hint=f"Set aws:region in infra/Pulumi.{env}.yaml or export AWS_REGION.",
            ) from exc
        raise CloudError(
            f"Pulumi failed on {env}: {_first_error_line(text)}",
            hint="Run again with --debug for Pulumi's full output.",
        ) from exc


def _run_program(program: Callable[..., object], spec: EnvironmentSpec, create_oidc: bool) -> None:
    program(spec, create_oidc_provider=create_oidc)


class StackSession:
    """One environment's Pulumi stack, opened with the right backend and secrets."""

    def __init__(self, project_dir: Path, env: str, deps: ProvisionDeps) -> None:
        self.env = check_env_name(env)
        self.project_dir = project_dir.resolve()
        self.infra_dir = self.project_dir / "infra"
        self.deps = deps
        self.spec: EnvironmentSpec = load_spec(self.infra_dir, self.env)
        self.backend = backend.resolve_backend(self.project_dir)
        self._stack: auto.Stack | None = None

    def env_vars(self) -> dict[str, str]:
        values = {"PULUMI_BACKEND_URL": self.backend.url, "PULUMI_SKIP_UPDATE_CHECK": "true"}
        if backend.stack_uses_passphrase(self.infra_dir, self.env):
            values |= backend.passphrase_env(self.deps.environ, self.deps.prompt_secret)
        return values

    def stack(self, *, create: bool = True) -> auto.Stack:
        """The stack; `create=False` (outputs, destroy) never creates an empty one."""
        if self._stack is not None:
            return self._stack
        from pulumi import automation as auto

        from scaffolder_stacks.environment import program

        root = _pulumi_root(self.deps.environ)
        backend.ensure_local_state_dir(self.backend)
        spec = self.spec
        create_oidc = backend.creates_oidc_provider(self.infra_dir, self.env, self.backend)
        try:
            command = auto.PulumiCommand(root=root)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise MissingToolError(
                f"The Pulumi CLI in {root}/bin could not be run.", hint=PULUMI_INSTALL_HINT
            ) from exc
        with translate_errors(self.env):
            opener = auto.create_or_select_stack if create else auto.select_stack
            self._stack = opener(
                stack_name=self.env,
                project_name=spec.project,
                program=lambda: _run_program(program, spec, create_oidc),
                opts=auto.LocalWorkspaceOptions(
                    work_dir=str(self.infra_dir),
                    pulumi_command=command,
                    env_vars=self.env_vars(),
                    secrets_provider="passphrase",
                ),
            )
            # Only when it differs: `pulumi config set` rewrites the user's stack file.
            config = backend.stack_config(self.infra_dir, self.env)
            if config.get("aws:region") != spec.region:
                self._stack.set_config("aws:region", auto.ConfigValue(value=spec.region))
            self._set_origin_secret(config)
        return self._stack

    def _set_origin_secret(self, config: Mapping[str, object]) -> None:
        """CloudFront's origin header value (scaffolder_stacks/edge.py), random, once per stack."""
        from pulumi import automation as auto

        from scaffolder_stacks.edge import ORIGIN_SECRET_KEY, needs_origin_secret

        if self._stack is None or ORIGIN_SECRET_KEY in config:
            return
        if needs_origin_secret(self.spec):
            value = auto.ConfigValue(value=secrets.token_urlsafe(32), secret=True)
            self._stack.set_config(ORIGIN_SECRET_KEY, value)

    def preview(self) -> safety.ChangeSummary:
        steps: list[safety.Step] = []

        def on_event(event: Any) -> None:
            pre = getattr(event, "resource_pre_event", None)
            if pre is not None and pre.metadata is not None:
                meta = pre.metadata
                steps.append(safety.Step(op=str(meta.op.value), urn=meta.urn, type=meta.type))

        stack = self.stack()
        with translate_errors(self.env):
            result = stack.preview(on_output=self.deps.on_output, on_event=on_event)
        counts = {str(k): int(v) for k, v in (result.change_summary or {}).items()}
        return safety.summarize(self.env, steps, counts)

    def up(self) -> StackOutputs:
        stack = self.stack()
        with translate_errors(self.env):
            stack.up(on_output=self.deps.on_output)
        return self.outputs()

    def destroy(self) -> None:
        stack = self.stack(create=False)
        with translate_errors(self.env):
            stack.destroy(on_output=self.deps.on_output)

    def outputs(self) -> StackOutputs:
        stack = self.stack(create=False)
        with translate_errors(self.env):
            raw = stack.outputs()
        values = {key: item.value for key, item in raw.items()}
        try:
            return StackOutputs.model_validate(values)
        except ValueError as exc:
            raise CloudError(
                f"The {self.env} stack has no complete outputs yet.",
                hint=f"Run `scaffold up {self.env}` first.",
            ) from exc


def _confirm(deps: ProvisionDeps, question: str, *, refusal: str, hint: str) -> None:
    if deps.confirm is None or not deps.confirm(question):
        raise SafetyRefusal(refusal, hint=hint)


def preview(project_dir: Path, env: str, deps: ProvisionDeps) -> ProvisionResult:
    summary = StackSession(project_dir, env, deps).preview()
    return ProvisionResult(environment=env, action="preview", summary=summary)


def up(
    project_dir: Path,
    env: str,
    deps: ProvisionDeps,
    *,
    yes: bool = False,
    allow_replace: bool = False,
) -> ProvisionResult:
    """Preview, refuse what needs a flag, confirm prod, then update."""
    session = StackSession(project_dir, env, deps)
    summary = session.preview()
    safety.refuse_stateful_changes(summary, allow_replace=allow_replace)
    if session.env == "prod" and not yes:
        changes = ", ".join(f"{op} {n}" for op, n in sorted(summary.counts.items()))
        _confirm(
            deps,
            f"Apply these changes to prod ({changes or 'no changes'})?",
            refusal="Not applying changes to prod.",
            hint="Review the preview, then answer yes or pass --yes.",
        )
    outputs = session.up()
    return ProvisionResult(environment=env, action="up", summary=summary, outputs=outputs)


def destroy(
    project_dir: Path,
    env: str,
    deps: ProvisionDeps,
    *,
    yes: bool = False,
    i_understand_prod: bool = False,
) -> ProvisionResult:
    session = StackSession(project_dir, env, deps)
    safety.check_destroy_allowed(session.spec, i_understand_prod=i_understand_prod)
    if not yes:
        _confirm(
            deps,
            f"Destroy every resource of {env}?",
            refusal=f"Not destroying {env}.",
            hint="Answer yes, or pass --yes.",
        )
    session.destroy()
    return ProvisionResult(environment=env, action="destroy")


def read_stack_outputs(
    project_dir: Path, env: str, deps: ProvisionDeps | None = None
) -> StackOutputs:
    """The outputs operations commands consume (see StackOutputs)."""
    return StackSession(project_dir, env, deps or ProvisionDeps()).outputs()
