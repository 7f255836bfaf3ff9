"""The JavaScript toolchain table and the decisions init takes from it."""

from __future__ import annotations

from scaffolder.init.node_plan import dockerignore_secrets
from scaffolder.models import (
    PackageManager,
    RepoFacts,
    SecretFinding,
    SecretKind,
)
from scaffolder.toolchain import declared_version, exec_prefix, is_berry, node_toolchain
from tests.support.builders import template_app


def test_the_version_comes_from_package_manager_then_engines_then_the_pin() -> None:
    pnpm = PackageManager.PNPM
    assert declared_version(pnpm, "pnpm@10.4.1+sha512.abc", {}) == ("10.4.1", "packageManager")
    assert declared_version(pnpm, None, {"pnpm": "10.2.0"}) == ("10.2.0", "engines")
    assert declared_version(pnpm, None, {"pnpm": ">=9"}) == (None, None)  # a range pins nothing
    assert declared_version(pnpm, "yarn@4.5.0", {}) == (None, None)  # another manager's
    pinned = node_toolchain(pnpm, locked=True)
    assert (pinned.version, pinned.version_source) == ("9.15.0", "scaffold's pin")
    assert pinned.setup_command == "npm install --global pnpm@9.15.0"


def test_each_manager_row() -> None:
    npm = node_toolchain(PackageManager.NPM, locked=True)
    assert (npm.install, npm.production_install, npm.prune) == (
        "npm ci",
        "npm ci --omit=dev",
        "npm prune --omit=dev",
    )
    assert npm.setup_command is None and npm.version_source == "bundled with Node"
    declared = node_toolchain(PackageManager.NPM, locked=True, version="10.9.2")
    assert declared.setup_command == "npm install --global npm@10.9.2"
    unlocked = node_toolchain(PackageManager.NPM, locked=False)
    assert unlocked.install.startswith("npm install") and not unlocked.locked
    berry = node_toolchain(
        PackageManager.YARN,
        locked=True,
        berry=True,
        version="4.5.0",
        version_source="packageManager",
    )
    assert berry.install == "yarn install --immutable" and berry.manifests == ["."]
    assert berry.setup_command == "corepack enable && corepack prepare yarn@4.5.0 --activate"
    assert node_toolchain(PackageManager.YARN, locked=True).setup_command is None
    assert node_toolchain(PackageManager.BUN, locked=True).prune is None
    assert is_berry("4.5.0", False) and not is_berry("1.22.22", False) and is_berry(None, True)
    assert [exec_prefix(pm) for pm in PackageManager if pm.value in ("npm", "pnpm", "bun")] == [
        "npx",
        "pnpm exec",
        "bunx",
    ]


def _secret(path: str, kind: SecretKind = SecretKind.PROVIDER_KEY) -> SecretFinding:
    return SecretFinding(
        kind=kind,
        detector="openai-api-key",
        description="",
        path=path,
        preview="sk-...",
        fingerprint="f",
    )


def test_dockerignore_secrets_are_secret_files_relative_to_the_build_context() -> None:
    facts = RepoFacts.model_validate(
        {"root": "/r", "name": "r", "committed_env_files": ["api/env.txt", "api/.env", "web/,env"]}
    )
    facts.secrets = [
        _secret("api/.streamlit/secrets.toml"),
        _secret("api/src/config.ts"),  # code the app needs: the audit's finding, not ours
        _secret("api/notes[1].txt", SecretKind.ENV_FILE),
    ]
    app = template_app(
        root="api",
        start_command="npm start",
    )
    # .env is already covered by **/.env; glob characters are escaped.
    assert dockerignore_secrets(app, facts) == [
        ".streamlit/secrets.toml",
        "env.txt",
        "notes\\[1].txt",
    ]
    workspace = app.model_copy(update={"build_context": "."})
    assert "web/,env" in dockerignore_secrets(workspace, facts)
