"""A server whose build also writes a browser bundle (Replit's Express + Vite shape): where
the bundle goes, which prefixes it compiles in, and which reads of the code reach it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scaffolder.audit import evaluate
from scaffolder.inspect import inspect_repository
from scaffolder.inspect.browser_bundle import vite_layout
from tests.support.prototypes import fixture_dir

REPLIT = """export default defineConfig({
  root: path.resolve(import.meta.dirname, "client"),
  build: {
    outDir: path.resolve(import.meta.dirname, "dist/public"),
    emptyOutDir: true,
  },
});"""


@pytest.mark.parametrize(
    ("config", "layout"),
    [
        (REPLIT, ("client", "dist/public", ["VITE_"])),
        # A plain outDir is relative to Vite's root, a resolved one to the config's folder.
        (
            'root: "client", build: { outDir: "../dist/public" }',
            ("client", "dist/public", ["VITE_"]),
        ),
        ("root: './client'", ("client", "client/dist", ["VITE_"])),
        (
            "build: { outDir: path.join(__dirname, 'dist', 'public') }",
            (".", "dist/public", ["VITE_"]),
        ),
        ('envPrefix: ["VITE_", "APP_"]', (".", "dist", ["VITE_", "APP_"])),
        ("envPrefix: 'PUBLIC_'", (".", "dist", ["PUBLIC_"])),
        ("export default defineConfig({ plugins: [react()] })", (".", "dist", ["VITE_"])),
    ],
)
def test_the_vite_config_says_where_the_bundle_goes(
    config: str, layout: tuple[str, str, list[str]]
) -> None:
    assert vite_layout(config) == layout


def test_a_bundle_outside_the_app_or_over_it_is_not_one(tmp_path: Path) -> None:
    # A static site may build into its server's folder: its deploy uploads from there.
    assert vite_layout('build: { outDir: "../server/public" }')[1] == "../server/public"
    repo = tmp_path / "repo"
    shutil.copytree(fixture_dir("replit-express-vite"), repo)
    config = repo / "vite.config.ts"
    for out_dir in ('"../../elsewhere"', '".."'):  # relative to root: client/
        config.write_text(f"export default {{ root: 'client', build: {{ outDir: {out_dir} }} }}")
        (app,) = inspect_repository(repo, scan_history=False).apps
        assert app.browser_bundle is None, out_dir


def _replit(tmp_path: Path, client_code: str) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(fixture_dir("replit-express-vite"), repo)
    (repo / "client/src/secrets.ts").write_text(client_code)
    # The server reads a VITE_ name too: Express runs it, no browser sees it.
    (repo / "server/flags.ts").write_text("export const f = process.env.VITE_SERVER_FLAG;\n")
    return repo


def test_the_replit_client_reads_reach_the_browser_the_servers_do_not(tmp_path: Path) -> None:
    repo = _replit(tmp_path, "export const k = import.meta.env.VITE_MAPS_KEY;\n")
    facts = inspect_repository(repo, scan_history=False)
    (app,) = facts.apps
    assert app.browser_bundle is not None
    assert (app.browser_bundle.source_root, app.browser_bundle.output_dir) == (
        "client", "dist/public"
    )  # fmt: skip
    public = {v.name: v.public for v in facts.env_vars}
    assert public == {
        "VITE_API_URL": True,
        "VITE_MAPS_KEY": True,
        "VITE_SERVER_FLAG": False,
        "VITE_STRIPE_PUBLISHABLE_KEY": True,
    }


def test_a_secret_looking_name_in_the_client_bundle_is_flagged(tmp_path: Path) -> None:
    repo = _replit(tmp_path, "export const k = import.meta.env.VITE_OPENAI_SECRET_KEY;\n")
    report = evaluate(inspect_repository(repo, scan_history=False), cost_estimator=None)
    (finding,) = [f for f in report.findings if f.rule_id == "SEC007"]
    assert "VITE_OPENAI_SECRET_KEY" in finding.title
    assert "VITE_STRIPE_PUBLISHABLE_KEY" not in finding.title  # publishable: public by design


def test_a_server_whose_build_does_not_run_vite_has_no_bundle(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(fixture_dir("replit-express-vite"), repo)
    manifest = json.loads((repo / "package.json").read_text())
    manifest["scripts"]["build"] = "esbuild server/index.ts --bundle --outdir=dist"
    (repo / "package.json").write_text(json.dumps(manifest))
    (app,) = inspect_repository(repo, scan_history=False).apps
    assert app.browser_bundle is None
    # A build script that runs `vite build` through another script still counts.
    manifest["scripts"] |= {
        "build": "npm run build:client && esbuild x",
        "build:client": "vite build",
    }
    (repo / "package.json").write_text(json.dumps(manifest))
    (app,) = inspect_repository(repo, scan_history=False).apps
    assert app.browser_bundle is not None and app.browser_bundle.output_dir == "dist/public"
