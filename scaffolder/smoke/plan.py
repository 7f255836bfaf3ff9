"""What to smoke-test: the server apps `scaffold init` wrote images for, read from the project.

The source is `.scaffold/context.json` (the context the files were last rendered from),
so the smoke test runs exactly what the generated Dockerfile, task definition and deploy
workflow run: the same port, health path and migration command.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from scaffolder.errors import InputError
from scaffolder.smoke.models import SmokeApp, SmokePlan

CONTEXT_FILE = ".scaffold/context.json"
ENV_EXAMPLE = ".env.example"
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", re.MULTILINE)
_DATABASES = ("rds", "supabase", "neon", "external", "none")


def _not_initialised(root: Path, why: str, so: str) -> InputError:
    return InputError(
        f"{root} has no usable {CONTEXT_FILE} ({why}), {so}.",
        hint=f"Run `scaffold init {root}` first (or pass the project's folder).",
    )


def read_context(root: Path, so: str = "so there is no generated image to test") -> dict[str, Any]:
    """The context the generated files were last rendered from (InputError when none)."""
    root = root.resolve()
    if not root.is_dir():
        raise InputError(f"{root} is not a folder.", hint="Pass the project's folder.")
    path = root / CONTEXT_FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _not_initialised(root, "missing", so) from None
    except (OSError, ValueError, RecursionError) as exc:
        raise _not_initialised(root, "unreadable", so) from exc
    ctx = stored.get("ctx") if isinstance(stored, dict) else None
    if not isinstance(ctx, dict) or not isinstance(ctx.get("apps"), list):
        raise _not_initialised(root, "no apps in it", so)
    return ctx


def env_example_names(root: Path) -> list[str]:
    """Variable names in .env.example (values are ignored: they are placeholders)."""
    try:
        text = (root / ENV_EXAMPLE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return sorted(dict.fromkeys(_ENV_LINE.findall(text)))


def _migrator(ctx: dict[str, Any], servers: list[dict[str, Any]]) -> dict[str, str]:
    """App name -> the migration command its one-off task runs (as deploy.yml picks the app)."""
    commands: dict[str, str] = {}
    for migration in ctx.get("migrations") or []:
        if not isinstance(migration, dict) or migration.get("tool") == "supabase":
            continue  # supabase migrations are pushed with the Supabase CLI, not in the image
        command = migration.get("deploy_command")
        if not isinstance(command, str) or not command or not servers:
            continue
        same_root = [a for a in servers if a.get("root") == migration.get("app_root", ".")]
        app = (same_root or servers)[0]
        commands.setdefault(str(app.get("name")), command)
    return commands


def _app(app: dict[str, Any], migrate: str | None) -> SmokeApp:
    root = str(app.get("root") or ".")
    return SmokeApp(
        name=str(app["name"]),
        language="python" if app.get("language") == "python" else "node",
        dockerfile=str(app.get("dockerfile_path") or "Dockerfile"),
        context=str(app.get("build_context") or root),
        port=int(app.get("port") or 8080),
        health_path=str(app.get("health_path") or "/healthz"),
        migrate_command=migrate,
        migrate_target=bool(app.get("migrate_target")),
    )


def plan_smoke(root: Path) -> SmokePlan:
    """The apps to build and run, from the project at `root` (InputError when not initialised)."""
    root = root.resolve()
    ctx = read_context(root)
    servers = [a for a in ctx["apps"] if isinstance(a, dict) and a.get("shape") == "server"]
    servers = [a for a in servers if isinstance(a.get("name"), str)]
    migrations = _migrator(ctx, servers)
    database = ctx.get("database") if ctx.get("database") in _DATABASES else "none"
    return SmokePlan(
        project=str(ctx.get("project") or root.name),
        root=str(root),
        apps=[_app(a, migrations.get(a["name"])) for a in servers],
        database=database,
        env_names=env_example_names(root),
    )
