"""A Next.js image is built once with placeholders for its NEXT_PUBLIC_* values; each
environment's task gets its own values, and the entrypoint puts them in place.

docs/provision.md, "Build once, promote by digest". The entrypoint script and the deploy
step are run for real here (sh and node; bash and jq with the recording fake `aws`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scaffolder.init.public_placeholders import placeholder
from tests.render import public_env
from tests.render import workflow_model as wm
from tests.render.contexts import CONTEXTS

NAMES = ["NEXT_PUBLIC_SUPABASE_ANON_KEY", "NEXT_PUBLIC_SUPABASE_URL"]
URL = placeholder("NEXT_PUBLIC_SUPABASE_URL")
KEY = placeholder("NEXT_PUBLIC_SUPABASE_ANON_KEY")
PROD = {
    "NEXT_PUBLIC_SUPABASE_URL": "https://prodref.supabase.co",
    "NEXT_PUBLIC_SUPABASE_ANON_KEY": "eyJhbGciOiJIUzI1NiJ9.prod.c2lnbmF0dXJl",
}
REPO = "123.dkr.ecr.eu-west-1.amazonaws.com/next-supa-prod-web"
DIGEST = "sha256:" + "b" * 64
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")


def test_placeholders_are_distinct_and_shaped_like_the_value() -> None:
    assert URL.startswith("https://scaffold-public-") and URL.endswith(".invalid")
    assert KEY.startswith("scaffold-public-") and "/" not in KEY
    assert URL != KEY and placeholder("NEXT_PUBLIC_API_URL") != URL
    for name in ("NEXT_PUBLIC_API_URI", "NEXT_PUBLIC_GRAPHQL_ENDPOINT", "NEXT_PUBLIC_WS_HOST"):
        assert placeholder(name).startswith("https://")
    assert placeholder("NEXT_PUBLIC_URL_PREFIX").startswith("scaffold-public-")
    ctx = CONTEXTS["nextjs_supabase"]()
    from scaffolder.init.template_decisions import with_template_decisions

    assert with_template_decisions(ctx).public_env_placeholders == {
        "NEXT_PUBLIC_SUPABASE_ANON_KEY": KEY,
        "NEXT_PUBLIC_SUPABASE_URL": URL,
    }
    # A Vite site's variables are compiled per environment by its own deploy build.
    assert with_template_decisions(CONTEXTS["vite_supabase"]()).public_env_placeholders == {}


def test_the_image_is_built_once_with_placeholders_not_an_environments_values(
    rendered: dict[str, Path],
) -> None:
    root = rendered["nextjs_supabase"]
    dockerfile = (root / "Dockerfile").read_text()
    build = dockerfile.split("FROM base AS build", 1)[1].split("FROM ", 1)[0]
    assert f"ARG NEXT_PUBLIC_SUPABASE_URL={URL}\n" in build
    assert f"ARG NEXT_PUBLIC_SUPABASE_ANON_KEY={KEY}\n" in build
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert 'ENTRYPOINT ["/bin/sh", "/usr/local/bin/scaffold-entrypoint.sh"]' in runtime
    assert "rds-global-bundle" not in dockerfile  # Supabase: the script's public part only
    job = wm.build_job(root)
    step = wm.steps(job)[wm.index_of(job, "web: build the image")]
    assert "--build-arg" not in step["run"] and "env" not in step


def _promote(
    root: Path, tmp_path: Path, values: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    return public_env.promote(root, tmp_path, values, service="web", repo=REPO, digest=DIGEST)


@needs_jq
def test_the_deploy_puts_this_environments_values_into_the_task_definition(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    root = rendered["nextjs_supabase"]
    step = wm.steps(wm.deploy_job(root))[wm.index_of(wm.deploy_job(root), "web: promote")]
    for name in NAMES:  # from the GitHub environment's variables, never its secrets
        assert step["env"][name] == "${{ vars." + name + " }}"
    proc, calls = _promote(root, tmp_path, PROD)
    assert proc.returncode == 0, proc.stderr
    register = next(c for c in calls if c["args"][:2] == ["ecs", "register-task-definition"])
    container = json.loads(next(iter(register["files"].values())))["containerDefinitions"][0]
    assert container["image"] == f"{REPO}@{DIGEST}"
    assert container["environment"] == [
        {"name": "PORT", "value": "3000"},
        *({"name": n, "value": PROD[n]} for n in NAMES),
    ]
    assert container["secrets"] == [{"name": "SESSION_SECRET", "valueFrom": "arn:secret"}]
    for value in PROD.values():  # public, but not printed for nothing
        assert value not in proc.stdout + proc.stderr


@needs_jq
def test_the_deploy_stops_before_anything_changes_when_a_variable_is_not_set(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    values = {"NEXT_PUBLIC_SUPABASE_URL": PROD["NEXT_PUBLIC_SUPABASE_URL"]}
    proc, calls = _promote(rendered["nextjs_supabase"], tmp_path, values)
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error::NEXT_PUBLIC_SUPABASE_ANON_KEY: not set in the prod")
    assert not calls  # nothing copied, nothing registered


def _built_tree(app: Path) -> dict[str, str]:
    """The files `next build` leaves holding public values (standalone copied over .next)."""
    files = {
        ".next/server/app/index.html": f'<a href="{URL}/auth/v1">{KEY}</a>',
        ".next/server/app/index.rsc": f'2:["$","p",null,{{"children":"{URL}"}}]',
        ".next/static/chunks/app/page-1a2b.js": f'let u="{URL}",k="{KEY}";',
        ".next/required-server-files.json": json.dumps(
            {"config": {"images": {"remotePatterns": [{"hostname": URL.split("//")[1]}]}}}
        ),
        ".next/server/chunks/plain.js": "no placeholder here",
        ".next/cache/webpack/client.pack": KEY,  # the build's cache: never served
        "server.js": f"const nextConfig = {json.dumps({'env': {'X': URL}})}",
    }
    for rel, text in files.items():
        (app / rel).parent.mkdir(parents=True, exist_ok=True)
        (app / rel).write_text(text)
    return files


_entrypoint = public_env.run_entrypoint


@needs_node
def test_the_entrypoint_puts_the_tasks_values_in_place_once(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    script = rendered["nextjs_supabase"] / "scaffold-entrypoint.sh"
    files = _built_tree(tmp_path)
    plain = tmp_path / ".next/server/chunks/plain.js"
    os.utime(plain, (1_000_000_000, 1_000_000_000))
    proc = _entrypoint(script, tmp_path, PROD, ("sh", "-c", "echo started"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("started\n") and proc.stderr == ""
    for value in PROD.values():
        assert value not in proc.stdout  # names and a count, never the values
    url, key = PROD["NEXT_PUBLIC_SUPABASE_URL"], PROD["NEXT_PUBLIC_SUPABASE_ANON_KEY"]
    html = (tmp_path / ".next/server/app/index.html").read_text()
    assert html == f'<a href="{url}/auth/v1">{key}</a>'
    assert (tmp_path / ".next/static/chunks/app/page-1a2b.js").read_text() == (
        f'let u="{url}",k="{key}";'
    )
    server_files = (tmp_path / ".next/required-server-files.json").read_text()
    assert '"hostname": "prodref.supabase.co"' in server_files  # the host alone, where kept
    assert url in (tmp_path / "server.js").read_text()
    for rel in files:
        if rel.startswith(".next/cache/"):
            assert (tmp_path / rel).read_text() == files[rel]
        else:
            assert "scaffold-public-" not in (tmp_path / rel).read_text(), rel
    assert plain.stat().st_mtime == 1_000_000_000  # a file without a placeholder is not written
    # A restarted container (same files): nothing left to replace, nothing rewritten.
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    again = _entrypoint(script, tmp_path, PROD)
    assert again.returncode == 0 and again.stdout == "" and again.stderr == ""
    assert before == {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}


@needs_node
def test_a_missing_value_stops_the_container_with_one_line(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    script = rendered["nextjs_supabase"] / "scaffold-entrypoint.sh"
    files = _built_tree(tmp_path)
    env = {"NEXT_PUBLIC_SUPABASE_URL": PROD["NEXT_PUBLIC_SUPABASE_URL"]}
    proc = _entrypoint(script, tmp_path, env, ("sh", "-c", "echo started"))
    assert proc.returncode == 1
    assert proc.stdout == ""  # the server never started
    (line,) = proc.stderr.splitlines()
    assert line.startswith(
        "scaffold-entrypoint: NEXT_PUBLIC_SUPABASE_ANON_KEY has no value in this task's environment"
    )
    assert all((tmp_path / rel).read_text() == text for rel, text in files.items())
    empty = _entrypoint(script, tmp_path, {**env, "NEXT_PUBLIC_SUPABASE_ANON_KEY": ""})
    assert empty.returncode == 1 and "ANON_KEY has no value" in empty.stderr
    quoted = _entrypoint(script, tmp_path, {**PROD, "NEXT_PUBLIC_SUPABASE_ANON_KEY": 'a"b'})
    assert quoted.returncode == 1 and len(quoted.stderr.splitlines()) == 1
    assert "a quote, backslash" in quoted.stderr
    # The migration stage serves nothing: it leaves the placeholders alone.
    skip = _entrypoint(script, tmp_path, {"SCAFFOLD_SKIP_PUBLIC_ENV": "1"})
    assert skip.returncode == 0
    assert all((tmp_path / rel).read_text() == text for rel, text in files.items())


def _build(root: Path, tmp_path: Path, output: str) -> subprocess.CompletedProcess[str]:
    """The build job's image step, with a `docker` that prints `output` and fails."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    docker = bin_dir / "docker"
    docker.write_text(f"#!/bin/sh\ncat <<'OUT' >&2\n{output}\nOUT\nexit 1\n")
    docker.chmod(0o755)
    job = wm.build_job(root)
    step = wm.steps(job)[wm.index_of(job, "web: build the image")]
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_SHA": "3f2a9c1" + "0" * 33,
    }
    # GitHub's default shell for run steps: bash -e, without pipefail.
    run = ["bash", "-e", "-c", step["run"]]
    return subprocess.run(run, env=env, capture_output=True, text=True, check=False)


def test_a_build_that_fetched_from_a_placeholder_says_why(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    host = URL.removeprefix("https://")
    failed = _build(
        rendered["nextjs_supabase"],
        tmp_path,
        'Error occurred prerendering page "/notes".\n'
        f"TypeError: fetch failed\n  [cause]: Error: getaddrinfo ENOTFOUND {host}",
    )
    assert failed.returncode == 1
    assert f"ENOTFOUND {host}" in failed.stdout  # the build's own log, shown as it ran
    hint = [line for line in failed.stdout.splitlines() if line.startswith("::error::")]
    assert hint == [
        "::error::next build used a NEXT_PUBLIC_* placeholder (scaffold-public-...): a page "
        "reads data with a public value at build time. Render it per request (export const "
        "dynamic = \"force-dynamic\"); docs/RUNBOOK.md, 'Build once, promote by digest'."
    ]
    other = _build(rendered["nextjs_supabase"], tmp_path / "other", "Type error: x")
    assert other.returncode == 1 and "::error::" not in other.stdout
