"""Issue 8's Node/JS defects, each on a fixture prototype rendered as `scaffold init` does:
a hard-coded listen port, a devDependency imported at run time, a migration tool in
devDependencies, `packageManager`, a blocking lint, and secrets in the build context.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from scaffolder.init.context import build_context
from scaffolder.init.records import InitAnswers
from scaffolder.inspect import inspect_repository
from scaffolder.models import InitContext
from tests.render import contexts
from tests.render import workflow_model as wm
from tests.support.prototypes import materialize


def _init(
    name: str, tmp_path: Path, edit: dict[str, str] | None = None
) -> tuple[InitContext, Path]:
    repo = materialize(name, tmp_path / "repo")
    for path, text in (edit or {}).items():
        (repo / path).write_text(text, encoding="utf-8")
    ctx = build_context(inspect_repository(repo), InitAnswers(project_name="shop"))
    return ctx, contexts.render(ctx, tmp_path / "out")


def test_replit_hard_coded_port_is_the_containers_port(tmp_path: Path) -> None:
    ctx, out = _init("replit-express-vite", tmp_path)
    docker = (out / "Dockerfile").read_text()
    assert "PORT=5000" in docker and "EXPOSE 5000" in docker
    assert "fetch('http://127.0.0.1:5000/api/health')" in docker
    assert "hard-coded in server/index.ts" in docker
    assert "3000" not in docker
    assert ctx.apps[0].port == 5000  # the load balancer's target port too
    assert "port: 5000" in ctx.environment_specs["dev"]


def test_replit_vite_at_runtime_keeps_dev_dependencies(tmp_path: Path) -> None:
    ctx, out = _init("replit-express-vite", tmp_path)
    app = ctx.apps[0]
    assert not app.prune_dev_dependencies
    assert "vite" in (app.keep_dev_dependencies_reason or "")
    docker = (out / "Dockerfile").read_text()
    assert "prune" not in docker.replace("not pruned", "").replace("prunes again", "")
    assert (
        "devDependencies are not pruned after the build: the server's runtime code imports vite"
        in docker
    )


def test_a_server_without_dev_imports_still_prunes(tmp_path: Path) -> None:
    vite_free = "export function log(m: string) { console.log(m); }\n"
    vite_free += "export async function setupVite() {}\nexport function serveStatic() {}\n"
    ctx, out = _init("replit-express-vite", tmp_path, {"server/vite.ts": vite_free})
    assert ctx.apps[0].prune_dev_dependencies
    assert "&& npm prune --omit=dev" in (out / "Dockerfile").read_text()


def test_migration_tool_in_dev_dependencies_runs_from_a_migrate_stage(tmp_path: Path) -> None:
    ctx, out = _init("v0-next-drizzle-neon", tmp_path)
    app = ctx.apps[0]
    assert app.migrate_target and "drizzle-kit" in (app.migrate_target_reason or "")
    docker = (out / "Dockerfile").read_text()
    # The migrate stage keeps every dependency; the runtime stage is still the last (default) one.
    stages = [line.split()[-1] for line in docker.splitlines() if line.startswith("FROM ")]
    assert stages[-1] == "runtime" and "migrate" in stages
    migrate = docker[docker.index("AS migrate") : docker.index("AS runtime")]
    assert (
        "FROM build AS migrate" in docker
        and "prune" not in migrate.split("FROM build AS pruned")[0]
    )
    assert "FROM build AS pruned\nRUN pnpm prune --prod" in docker
    assert "COPY --from=pruned --chown=node:node /app ./" in docker
    build_steps = wm.build_job(out)["steps"]
    build = next(s for s in build_steps if s["name"].endswith("build the image"))
    assert "--target migrate" in build["run"] and ":${GITHUB_SHA}-migrate" in build["run"]
    pushed = next(s for s in build_steps if s["name"].endswith("push the image"))
    assert 'migrate_digest=$(push_digest "$GITHUB_SHA-migrate")' in pushed["run"]
    steps = wm.deploy_job(out)["steps"]
    push = next(s for s in steps if "register its task definition" in s["name"])
    assert '"$family-migrate"' in push["run"] and "migrate_task_definition=" in push["run"]
    migrate_step = next(s for s in steps if s["name"].startswith("Migrate the database"))
    assert "outputs.migrate_task_definition" in migrate_step["env"]["TASK_DEFINITION"]


def test_package_manager_field_is_the_installed_version(tmp_path: Path) -> None:
    repo = materialize("v0-next-drizzle-neon", tmp_path / "probe", git=False)
    manifest = json.loads((repo / "package.json").read_text())
    manifest["packageManager"] = (
        "pnpm@10.4.1+sha512.c753b6c3ad7afa13af388fa6d808035a008e30ea9993f58c6663e2bc5ff21679aa834db094987129aa4d488b86df57f7b634981b2f827cdcacc698cc0cfb88af"
    )
    ctx, out = _init("v0-next-drizzle-neon", tmp_path, {"package.json": json.dumps(manifest)})
    toolchain = ctx.apps[0].toolchain
    assert toolchain is not None
    assert (toolchain.version, toolchain.version_source) == ("10.4.1", "packageManager")
    docker = (out / "Dockerfile").read_text()
    assert "RUN npm install --global pnpm@10.4.1" in docker and "9.15.0" not in docker
    ci = yaml.safe_load((out / ".github/workflows/ci.yml").read_text())
    runs = [s.get("run", "") for job in ci["jobs"].values() for s in job["steps"]]
    assert "npm install --global pnpm@10.4.1" in runs
    assert not any("9.15.0" in run or "corepack" in run for run in runs)


def test_lint_is_visible_but_not_blocking(tmp_path: Path) -> None:
    out = contexts.render(contexts.express_pg(), tmp_path / "out")
    for workflow in ("ci.yml", "deploy.yml"):
        jobs = yaml.safe_load((out / ".github/workflows" / workflow).read_text())["jobs"]
        steps = jobs["app-api"]["steps"]
        lint = next(s for s in steps if s.get("id") == "lint")
        assert lint["continue-on-error"] == "${{ vars.LINT_BLOCKING != 'true' }}"
        report = steps[steps.index(lint) + 1]
        assert report["if"] == "steps.lint.outcome == 'failure'"
        assert "GITHUB_STEP_SUMMARY" in report["run"] and "::warning" in report["run"]
    runbook = (out / "docs/RUNBOOK.md").read_text()
    assert "gh variable set LINT_BLOCKING --body true" in runbook


def test_dockerignore_leaves_out_the_secrets_the_audit_flagged(tmp_path: Path) -> None:
    ctx, out = _init("comma-env-groq-bot", tmp_path / "bot")
    assert ctx.apps[0].dockerignore_secrets == [",env"]
    assert ",env" in (out / ".dockerignore").read_text().splitlines()
    ctx, out = _init("streamlit-openai", tmp_path / "streamlit")
    ignored = (out / ".dockerignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored


def test_tests_that_cannot_pass_are_visible_but_not_blocking(tmp_path: Path) -> None:
    # react-scripts test with no test file: jest exits 1 ("No tests found").
    ctx, out = _init("cra-dashboard", tmp_path)

    assert ctx.apps[0].test_failure == "No tests found, exiting with code 1"
    jobs = yaml.safe_load((out / ".github/workflows/ci.yml").read_text())["jobs"]
    steps = next(iter(jobs.values()))["steps"]
    test = next(s for s in steps if s.get("id") == "test")
    assert test["run"].strip() == "npm test"
    assert test["continue-on-error"] == "${{ vars.TESTS_BLOCKING != 'true' }}"
    report = steps[steps.index(test) + 1]
    assert report["if"] == "steps.test.outcome == 'failure'"
    assert "::warning" in report["run"]
    runbook = (out / "docs/RUNBOOK.md").read_text()
    assert "gh variable set TESTS_BLOCKING --body true" in runbook
    assert "No tests found, exiting with code 1" in runbook


def test_tests_that_may_pass_stay_blocking(tmp_path: Path) -> None:
    ctx, out = _init("cra-dashboard", tmp_path, {"src/App.test.js": "test('x', () => {});\n"})

    assert ctx.apps[0].test_failure is None
    jobs = yaml.safe_load((out / ".github/workflows/ci.yml").read_text())["jobs"]
    steps = next(iter(jobs.values()))["steps"]
    test = next(s for s in steps if s.get("name") == "Test")
    assert "continue-on-error" not in test
    assert "TESTS_BLOCKING" not in (out / "docs/RUNBOOK.md").read_text()


def test_a_workspace_members_tool_is_the_one_the_workspace_root_pins(tmp_path: Path) -> None:
    repo = materialize("pnpm-monorepo-vite-fastify", tmp_path / "pre")
    manifest = json.loads((repo / "package.json").read_text())
    manifest["packageManager"] = "pnpm@10.4.1"
    ctx, out = _init("pnpm-monorepo-vite-fastify", tmp_path, {"package.json": json.dumps(manifest)})

    for app in ctx.apps:  # neither member's own package.json names a version
        assert app.toolchain is not None
        assert (app.toolchain.version, app.toolchain.version_source) == ("10.4.1", "packageManager")
    assert "pnpm@10.4.1" in (out / "server/Dockerfile").read_text()
