"""Shared helpers for the init tests: a small template, repositories, snapshots."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from scaffolder.init.engine import InitDeps
from scaffolder.init.git import git
from scaffolder.models import (
    AppFacts,
    AppKind,
    DeployShape,
    DockerfileFacts,
    Language,
    PackageManager,
    ProductionPieces,
    RepoFacts,
)
from tests.support.builders import repo_facts

REAL_TEMPLATE = Path(__file__).resolve().parents[2] / "templates"

DOCKERFILE = (
    "{% yield app from ctx.apps %}{% if app.write_dockerfile %}{{ app.dockerfile_path }}"
    "{% endif %}{% endyield %}.jinja"
)
PULUMI = "infra/Pulumi.{% yield env from ctx.environment_specs %}{{ env }}{% endyield %}.yaml.jinja"

TINY_FILES = {
    "RUNBOOK.md.jinja": (
        "# Runbook for {{ project_name }}\n\n"
        "## Deploy\n\nPush to main; the deploy workflow ships staging, then prod.\n\n"
        "## Rollback\n\nRun `scaffold rollback prod`.\n\n"
        "## Apps\n\n{% for app in ctx.apps %}- {{ app.name }} on port {{ app.port }}\n{% endfor %}"
    ),
    ".github/workflows/deploy.yml.jinja": (
        "name: deploy\n"
        "on:\n  push:\n    branches: [main]\n"
        "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - name: Install\n        run: {{ ctx.apps[0].install_command }}\n"
        "      - name: Test\n        run: npm test\n"
        "      - name: Deploy\n        run: echo deploying {{ project_name }} to {{ aws_region }}\n"
    ),
    PULUMI: "{{ ctx.environment_specs[env] }}",
    DOCKERFILE: (
        "FROM node:{{ app.runtime_version }}-slim\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "RUN {{ app.install_command }}\n"
        "USER node\n"
        'CMD ["sh", "-c", "{{ app.start_command }}"]\n'
    ),
}


def write_tiny_template(dest: Path, files: dict[str, str] | None = None) -> Path:
    """A small template with the real copier.yml and answers file: fast and stable."""
    (dest / "template").mkdir(parents=True)
    shutil.copy2(REAL_TEMPLATE / "copier.yml", dest / "copier.yml")
    answers = "{{_copier_conf.answers_file}}.jinja"
    shutil.copy2(REAL_TEMPLATE / "template" / answers, dest / "template" / answers)
    for rel, text in (files if files is not None else TINY_FILES).items():
        path = dest / "template" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


def make_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git(path, "init", "-q", "-b", "main")
    commit(path, "prototype")
    return path


def commit(path: Path, message: str) -> None:
    git(path, "add", "-A")
    git(path, "commit", "-q", "--allow-empty", "-m", message)


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file of the working tree (not .git), by content."""
    return {
        p.relative_to(path).as_posix(): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(path).parts
    }


def express_facts(root: Path, *, dockerfiles: list[DockerfileFacts] | None = None) -> RepoFacts:
    return repo_facts(
        AppFacts(
            name="demo-shop",
            root=".",
            kind=AppKind.EXPRESS,
            language=Language.NODE,
            shape=DeployShape.SERVER,
            package_manager=PackageManager.NPM,
            lockfiles=["package-lock.json"],
            runtime_version="20",
            port=3000,
        ),
        root=str(root),
        name="demo-shop",
        is_git=True,
        git_remote="acme/demo-shop",
        production=ProductionPieces(dockerfiles=dockerfiles or []),
    )


def tiny_deps(
    template: Path,
    *,
    version: str = "0.1.0",
    inspect: Callable[[Path], RepoFacts] = express_facts,
    checkpoint: Callable[[str], None] | None = None,
) -> InitDeps:
    if checkpoint is None:
        return InitDeps(inspect=inspect, template=template, version=version)
    return InitDeps(inspect=inspect, template=template, version=version, checkpoint=checkpoint)


PROTOTYPE = {
    "package.json": '{"name": "demo-shop", "scripts": {"start": "node server.js"}}\n',
    "package-lock.json": "{}\n",
    "server.js": "require('http').createServer((q, s) => s.end('ok')).listen(3000)\n",
}
