"""A JS workspace member shares the lockfile at the workspace root, so its image is
built from that root: the Dockerfile installs the whole workspace frozen, builds
and runs the member, and the workflows pass the root as the build context.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from scaffolder.init.apps import build_context
from scaffolder.models import AppFacts, AppKind, DeployShape, Language, PackageManager
from scaffolder.toolchain import from_template_fields
from tests.render import contexts, validators
from tests.support.prototypes import materialize


def _scaffold_init(repo: Path) -> None:
    proc = subprocess.run(
        [str(validators.BIN / "scaffold"), "init", str(repo), "--defaults"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _build_context_arg(workflow: Path) -> list[str]:
    """The last word of every `docker build` command (its context), continuations joined."""
    lines = workflow.read_text().splitlines()
    found = []
    for i, line in enumerate(lines):
        if "docker build" not in line:
            continue
        end = i
        while lines[end].rstrip().endswith("\\"):
            end += 1
        found.append(lines[end].split()[-1])
    return found


def _assert_workspace_image(repo: Path, dockerfile: str, context: str) -> None:
    text = (repo / dockerfile).read_text()
    build = text.split("FROM base AS build", 1)[1].split("FROM base AS runtime", 1)[0]
    # The whole workspace (root lockfile included) is in place before the frozen install.
    assert build.index("COPY . .") < build.index("RUN ")
    assert "WORKDIR /app/server\n" in text
    assert "COPY package.json" not in text
    assert f"docker build -f {dockerfile} {context}" in text
    assert (repo / f"{dockerfile}.dockerignore").is_file()
    workflows = sorted((repo / ".github" / "workflows").glob("*.yml"))
    # backup-verify.yml builds the restore-check image (infra/restore-check), not the app's.
    app_builds = [wf for wf in workflows if wf.name != "backup-verify.yml"]
    passed = [arg for wf in app_builds for arg in _build_context_arg(wf)]
    assert passed, "no workflow builds the image"
    assert set(passed) == {f"'{context}'"}, passed
    assert validators.hadolint([repo / dockerfile]) == []
    assert validators.check_jsonschema(workflows) == []
    assert validators.zizmor(workflows) == []


def test_pnpm_workspace_fixture_builds_from_the_repo_root(tmp_path: Path) -> None:
    repo = materialize("pnpm-monorepo-vite-fastify", tmp_path / "repo")
    _scaffold_init(repo)
    _assert_workspace_image(repo, "server/Dockerfile", ".")
    text = (repo / "server" / "Dockerfile").read_text()
    assert "RUN pnpm install --frozen-lockfile\n" in text
    # The RDS entrypoint script sits in the app folder, below the build context.
    assert "COPY server/scaffold-entrypoint.sh " in text
    assert (repo / "pnpm-lock.yaml").is_file()
    # A user's own root .dockerignore is never needed, so never written.
    assert not (repo / ".dockerignore").exists()


def test_hand_built_npm_workspace_context(tmp_path: Path) -> None:
    ctx = contexts.monorepo()
    server = ctx.apps[1].model_copy(
        update={
            "package_manager": PackageManager.NPM,
            "install_command": "npm ci",
            "build_command": "npm run build",
            "build_context": ".",
            "toolchain": from_template_fields(PackageManager.NPM, "npm ci"),
        }
    )
    ctx = ctx.model_copy(update={"apps": [ctx.apps[0], server]})
    repo = contexts.render(ctx, tmp_path / "out")
    _assert_workspace_image(repo, "server/Dockerfile", ".")
    text = (repo / "server" / "Dockerfile").read_text()
    assert "RUN npm ci\n" in text
    assert "RUN npm run build\n" in text


def test_single_app_dockerfile_is_unchanged(tmp_path: Path) -> None:
    ctx = contexts.express_pg()
    assert all(app.build_context is None for app in ctx.apps)
    repo = contexts.render(ctx, tmp_path / "out")
    text = (repo / ctx.apps[0].dockerfile_path).read_text()
    assert "COPY package.json package-lock.json* npm-shrinkwrap.json* ./" in text
    assert "WORKDIR /app/" not in text
    # Built from the app root as before: no Dockerfile-specific ignore file beside it.
    assert not (repo / f"{ctx.apps[0].dockerfile_path}.dockerignore").exists()


def _facts(root: str, lockfiles: list[str], **extra: object) -> AppFacts:
    return AppFacts.model_validate(
        {
            "name": "server",
            "root": root,
            "kind": AppKind.FASTIFY,
            "language": Language.NODE,
            "shape": DeployShape.SERVER,
            "lockfiles": lockfiles,
            **extra,
        }
    )


def test_build_context_is_the_folder_holding_the_lockfile() -> None:
    assert build_context(_facts("server", ["pnpm-lock.yaml"])) == "."
    assert build_context(_facts("apps/api", ["apps/yarn.lock"])) == "apps"
    assert build_context(_facts("server", ["server/package-lock.json"])) is None
    assert build_context(_facts(".", ["package-lock.json"])) is None
    assert build_context(_facts("server", [])) is None
