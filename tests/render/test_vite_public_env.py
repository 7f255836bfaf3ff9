"""Replit's shape (one Express server whose build also runs `vite build` on its client) is
built once with placeholders for the client's VITE_* values; each environment's task gets
its own values, and the entrypoint puts them in the client bundle Express serves.

docs/provision.md, "Build once, promote by digest". Rendered from the fixture
tests/fixtures/prototypes/replit-express-vite; the deploy step and the entrypoint are run
for real (bash and jq with the recording fake `aws`; sh and node). The real `vite build`
is in tests/run_contract/test_vite_public_env.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffolder.init.context import build_context
from scaffolder.init.public_placeholders import placeholder
from scaffolder.init.records import InitAnswers
from scaffolder.inspect import inspect_repository
from tests.render import contexts, public_env
from tests.render import workflow_model as wm
from tests.support.prototypes import materialize

URL = placeholder("VITE_API_URL")
KEY = placeholder("VITE_STRIPE_PUBLISHABLE_KEY")
PROD = {"VITE_API_URL": "https://api.example.com", "VITE_STRIPE_PUBLISHABLE_KEY": "pk_live_51Prod"}
REPO = "123.dkr.ecr.eu-west-1.amazonaws.com/notes-prod-rest-express"
DIGEST = "sha256:" + "c" * 64
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")


def _render(name: str, tmp: Path) -> Path:
    repo = materialize(name, tmp / "repo")
    ctx = build_context(inspect_repository(repo), InitAnswers(project_name="notes"))
    return contexts.render(ctx, tmp / "out")


@pytest.fixture(scope="module")
def replit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render("replit-express-vite", tmp_path_factory.mktemp("replit"))


def test_the_image_is_built_once_with_placeholders_for_the_clients_values(replit: Path) -> None:
    dockerfile = (replit / "Dockerfile").read_text()
    assert "--build-arg" not in dockerfile
    build = dockerfile.split("FROM base AS build", 1)[1].split("FROM ", 1)[0]
    args = [line for line in build.splitlines() if line.startswith("ARG ")]
    assert args == [f"ARG VITE_API_URL={URL}", f"ARG VITE_STRIPE_PUBLISHABLE_KEY={KEY}"]
    assert build.index("ARG VITE_") < build.index("RUN npm run build")
    runtime = dockerfile.split("AS runtime", 1)[1]
    # The client bundle belongs to the app's user, so the entrypoint can write into it;
    # the server's code stays root's.
    assert "COPY --from=build /app ./\n" in runtime
    assert "COPY --from=build --chown=node:node /app/dist/public ./dist/public\n" in runtime
    assert 'ENTRYPOINT ["/bin/sh", "/usr/local/bin/scaffold-entrypoint.sh"]' in runtime
    job = wm.build_job(replit)
    step = wm.steps(job)[wm.index_of(job, "rest-express: build the image")]
    assert "--build-arg" not in step["run"] and "env" not in step
    assert "VITE_API_URL, VITE_STRIPE_PUBLISHABLE_KEY" in (replit / "docs/RUNBOOK.md").read_text()


@needs_jq
def test_the_deploy_puts_this_environments_values_into_the_task_definition(
    replit: Path, tmp_path: Path
) -> None:
    step = wm.steps(wm.deploy_job(replit))[
        wm.index_of(wm.deploy_job(replit), "rest-express: promote")
    ]
    for name in PROD:  # from the GitHub environment's variables, never its secrets
        assert step["env"][name] == "${{ vars." + name + " }}"
    proc, calls = public_env.promote(
        replit, tmp_path, PROD, service="rest-express", repo=REPO, digest=DIGEST
    )
    assert proc.returncode == 0, proc.stderr
    container = public_env.registered_container(calls)
    assert container["image"] == f"{REPO}@{DIGEST}"
    assert container["environment"] == [
        {"name": "PORT", "value": "3000"},
        *({"name": n, "value": v} for n, v in sorted(PROD.items())),
    ]
    for value in PROD.values():
        assert value not in proc.stdout + proc.stderr
    (tmp_path / "missing").mkdir()
    missing, calls = public_env.promote(
        replit, tmp_path / "missing", {"VITE_API_URL": PROD["VITE_API_URL"]},
        service="rest-express", repo=REPO, digest=DIGEST,
    )  # fmt: skip
    assert missing.returncode == 1 and not calls
    assert missing.stdout.startswith("::error::VITE_STRIPE_PUBLISHABLE_KEY: not set in the prod")


def _built_tree(app: Path) -> dict[str, str]:
    """What `npm run build` leaves: the client bundle in dist/public, the server beside it."""
    files = {
        "dist/public/index.html": '<script type="module" src="/assets/index-1a2b.js"></script>',
        "dist/public/assets/index-1a2b.js": f'const a="{URL}";fetch(`${{a}}/api/notes`);k="{KEY}"',
        "dist/public/assets/index-1a2b.css": "body{margin:0}",
        # The server's own bundle is never the entrypoint's business.
        "dist/index.js": f'const note = "{KEY}";',
    }
    for rel, text in files.items():
        (app / rel).parent.mkdir(parents=True, exist_ok=True)
        (app / rel).write_text(text)
    return files


@needs_node
def test_the_entrypoint_puts_each_environments_values_in_the_client_bundle(
    replit: Path, tmp_path: Path
) -> None:
    script = replit / "scaffold-entrypoint.sh"
    for env, values in {"staging": {"VITE_API_URL": "https://api.staging.example.com",
                                    "VITE_STRIPE_PUBLISHABLE_KEY": "pk_test_51Staging"},
                        "prod": PROD}.items():  # fmt: skip
        app = tmp_path / env
        files = _built_tree(app)
        proc = public_env.run_entrypoint(script, app, values, ("sh", "-c", "echo started"))
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.endswith("started\n") and proc.stderr == ""
        assert "in 1 built files" in proc.stdout
        bundle = (app / "dist/public/assets/index-1a2b.js").read_text()
        url, key = values["VITE_API_URL"], values["VITE_STRIPE_PUBLISHABLE_KEY"]
        assert bundle == f'const a="{url}";fetch(`${{a}}/api/notes`);k="{key}"'
        assert (app / "dist/index.js").read_text() == files["dist/index.js"]
    refused = public_env.run_entrypoint(script, tmp_path / "prod", {"VITE_API_URL": "x"})
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        "scaffold-entrypoint: VITE_STRIPE_PUBLISHABLE_KEY has no value"
    )


def test_a_server_that_bundles_nothing_gets_no_public_args(tmp_path: Path) -> None:
    """The pnpm workspace's Fastify API: its Vite client is a static site built per
    environment by its own deploy; the API's image has nothing to compile them into."""
    out = _render("pnpm-monorepo-vite-fastify", tmp_path)
    dockerfiles = [p for p in out.rglob("Dockerfile*") if p.is_file()]
    assert dockerfiles
    for path in dockerfiles:
        assert "ARG " not in path.read_text(), path
    for script in out.rglob("scaffold-entrypoint.sh"):  # the RDS part only
        assert "PLACEHOLDERS" not in script.read_text()


def test_a_sveltekit_server_gets_placeholders_for_its_static_public_env(tmp_path: Path) -> None:
    """`$env/static/public` is compiled in by the SvelteKit build (adapter-node: build/)."""
    out = _render("sveltekit-postgres", tmp_path)
    dockerfile = (out / "Dockerfile").read_text()
    assert f"ARG PUBLIC_SITE_NAME={placeholder('PUBLIC_SITE_NAME')}\n" in dockerfile
    assert "COPY --from=build --chown=node:node /app/build ./build\n" in dockerfile
    assert 'visit("build");' in (out / "scaffold-entrypoint.sh").read_text()
