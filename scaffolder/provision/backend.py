"""Where Pulumi keeps state, and the passphrase that encrypts its secrets.

Pure (no pulumi import). The state backend is, in order:
  1. `infra/.scaffold-backend` (one line, e.g. `s3://acme-pulumi-state`), which
     `scaffold bootstrap` writes when a team moves to a shared bucket;
  2. `backend.url` in `infra/Pulumi.yaml`;
  3. `file://<project>/.scaffold/pulumi-state`: local, no Pulumi Cloud account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from scaffolder.errors import CredentialsError, InputError
from scaffolder.models import Model

BACKEND_FILE = ".scaffold-backend"
LOCAL_STATE_DIR = Path(".scaffold") / "pulumi-state"
PASSPHRASE_VARS = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")


class Backend(Model):
    url: str
    kind: Literal["local", "s3"]
    source: str  # where the choice came from, for messages


def _read_yaml(path: Path) -> object:
    try:
        return YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path} is not valid YAML.", hint="Fix it or restore it with git."
        ) from exc


def _checked(url: str, source: str) -> Backend:
    if url.startswith("s3://") and len(url) > len("s3://"):
        return Backend(url=url, kind="s3", source=source)
    if url.startswith("file://"):
        return Backend(url=url, kind="local", source=source)
    raise InputError(
        f"{source} names the state backend '{url}', which scaffold does not support.",
        hint="Use s3://<bucket> (see `scaffold bootstrap`) or delete the setting for local state.",
    )


def resolve_backend(project_dir: Path) -> Backend:
    infra = project_dir / "infra"
    marker = infra / BACKEND_FILE
    if marker.is_file():
        return _checked(marker.read_text(encoding="utf-8").strip(), str(marker))
    project_file = infra / "Pulumi.yaml"
    if project_file.is_file():
        document = _read_yaml(project_file)
        backend = document.get("backend") if isinstance(document, dict) else None
        url: object = backend.get("url") if isinstance(backend, dict) else None
        if isinstance(url, str) and url:
            return _checked(url, f"{project_file} (backend.url)")
    state = (project_dir / LOCAL_STATE_DIR).resolve()
    return Backend(url=state.as_uri(), kind="local", source="default (local files)")


def ensure_local_state_dir(backend: Backend) -> None:
    if backend.kind == "local":
        Path(backend.url.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


def stack_config(infra_dir: Path, env: str) -> dict[str, object]:
    """The `config:` mapping of infra/Pulumi.<env>.yaml ({} when absent)."""
    path = infra_dir / f"Pulumi.{env}.yaml"
    document = _read_yaml(path) if path.is_file() else None
    config = document.get("config") if isinstance(document, dict) else None
    return dict(config) if isinstance(config, dict) else {}


def stack_uses_passphrase(infra_dir: Path, env: str) -> bool:
    """False when the stack file names a cloud KMS secrets provider instead."""
    path = infra_dir / f"Pulumi.{env}.yaml"
    document = _read_yaml(path) if path.is_file() else None
    provider = document.get("secretsprovider") if isinstance(document, dict) else None
    return not (isinstance(provider, str) and provider and provider != "passphrase")


def passphrase_env(
    environ: Mapping[str, str], prompt: Callable[[str], str] | None
) -> dict[str, str]:
    """The variables that give Pulumi the passphrase; ask once when none is set.

    The passphrase encrypts secret config values in the state. It is never
    stored by scaffold: keep it in a password manager and, for CI, in a
    GitHub environment secret.
    """
    for name in PASSPHRASE_VARS:
        if name in environ:
            return {name: environ[name]}
    if prompt is None:
        raise CredentialsError(
            "No Pulumi passphrase: PULUMI_CONFIG_PASSPHRASE is not set.",
            hint="export PULUMI_CONFIG_PASSPHRASE='<your team passphrase>' (keep it in a "
            "password manager; losing it makes the stack's secrets unreadable).",
        )
    return {"PULUMI_CONFIG_PASSPHRASE": prompt("Pulumi passphrase (encrypts stack secrets)")}


def creates_oidc_provider(infra_dir: Path, env: str, chosen: Backend) -> bool:
    """Whether this stack creates the account's GitHub OIDC provider.

    `scaffold bootstrap` creates it once per account with the S3 backend, so a
    bootstrapped project only refers to it. With local state the stack creates
    it, unless `scaffold:createOidcProvider: false` says another stack already did.
    """
    value = stack_config(infra_dir, env).get("scaffold:createOidcProvider")
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return chosen.kind == "local"
