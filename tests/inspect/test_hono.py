"""Hono servers are server apps (modelled on a pnpm/turbo workspace whose apps/hono-api
runs Hono; tests/fixtures/hono-workspace): on @hono/node-server, and on Bun's default
export; a Hono library or a Cloudflare Worker is not a container's server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from scaffolder.inspect import inspect_repository
from scaffolder.models import AppKind, DeployShape, PackageManager

WORKSPACE = Path(__file__).resolve().parents[1] / "fixtures/hono-workspace"


def test_a_hono_api_in_a_pnpm_workspace_is_a_server(tmp_path: Path) -> None:
    shutil.copytree(WORKSPACE, tmp_path / "repo")

    (app,) = inspect_repository(tmp_path / "repo", scan_history=False).apps

    assert (app.name, app.root, app.kind, app.shape) == (
        "hono-api", "apps/hono-api", AppKind.HONO, DeployShape.SERVER
    )  # fmt: skip
    assert app.package_manager is PackageManager.PNPM
    assert app.lockfiles == ["pnpm-lock.yaml"]
    assert app.port == 4000  # serve({ fetch: app.fetch, port: Number(process.env.PORT) || 4000 })
    assert (app.start_command, app.build_command) == ("pnpm start", "pnpm run build")


def _package(root: Path, deps: dict[str, str], scripts: dict[str, str]) -> None:
    manifest = {"name": "api", "type": "module", "scripts": scripts, "dependencies": deps}
    (root / "package.json").write_text(json.dumps(manifest))


def test_hono_on_bun_serves_its_default_export(tmp_path: Path) -> None:
    _package(tmp_path, {"hono": "4.6.14"}, {"start": "bun run src/server.ts"})
    (tmp_path / "src").mkdir()
    (tmp_path / "src/server.ts").write_text(
        'import { Hono } from "hono";\nconst app = new Hono();\n'
        'app.get("/", (c) => c.text("ok"));\nexport default { fetch: app.fetch, port: 4000 };\n'
    )
    (app,) = inspect_repository(tmp_path, scan_history=False).apps
    assert (app.kind, app.shape, app.port) == (AppKind.HONO, DeployShape.SERVER, 4000)


def test_a_hono_library_or_worker_is_not_a_server(tmp_path: Path) -> None:
    _package(tmp_path, {"hono": "4.6.14"}, {"build": "tsc"})
    assert inspect_repository(tmp_path, scan_history=False).apps == []
    _package(tmp_path, {"hono": "4.6.14", "wrangler": "3.99.0"}, {"start": "wrangler dev"})
    assert inspect_repository(tmp_path, scan_history=False).apps == []
