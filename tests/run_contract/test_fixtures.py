"""The run contract on every fixture prototype (opt-in: scripts/run-contract.sh).

Each app must do what EXPECT says: "serves" (the health path answers 200 when the app
runs as its image runs it), "static" (the build writes index.html into the output
folder), or a documented failure: "unwired" (the app starts, but the health module
scaffold wrote is not wired in yet, so the health path is 404: docs/init.md) or
"fails:<phase>:<text of the first error line>" for a prototype broken on its own (its
lockfile out of step, a committed binary lockfile that is not one). Generated-file
defects found by the harness and not fixed yet are xfails in XFAIL, with their reason.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.run_contract.engine import run_contract
from tests.run_contract.fixtures import runnable
from tests.run_contract.models import AppRun
from tests.support.prototypes import fixture_names

pytestmark = [pytest.mark.run_contract, pytest.mark.slow]

EXPECT: dict[str, dict[str, str]] = {
    "bolt-vite-express": {"vite-react-typescript-starter": "static", "snapfolio-server": "serves"},
    "comma-env-groq-bot": {"groq-chatbot": "serves"},  # init wires health.cjs in (CommonJS)
    "cra-dashboard": {"crm-dashboard": "static"},
    # the ALB's check carries the task's IP as Host: healthz:application answers first
    "django-startproject": {"repo": "serves"},
    # server.js requires body-parser, which package.json does not list (the committed
    # node_modules had it)
    "express-mongo-node-modules": {"recipe-box": "fails:start:Cannot find module 'body-parser'"},
    "express-pg-docker-ci": {"invoicer-api": "serves"},  # RDS: DATABASE_URL over verified TLS
    "flask-sqlite-login": {"repo": "serves"},  # init registers the healthz blueprint
    "lovable-bun-npm-drift": {
        "vite-react-shadcn-ts": "fails:image:can only install packages when your package.json"
    },
    # its Notes page imports "@/integrations/supabase/client", a file the fixture leaves out
    "lovable-supabase-rls": {"vite-react-shadcn-ts": "fails:image:failed to resolve import"},
    "lovable-vite-supabase": {"vite-react-shadcn-ts": "static"},
    # init imports health.cjs into the ES module that builds the Fastify app, and registers it
    "pnpm-monorepo-vite-fastify": {"client": "static", "server": "serves"},
    "pnpm-workspace-drift": {
        "api": "fails:image:ERR_PNPM_OUTDATED_LOCKFILE",
        "web": "fails:image:ERR_PNPM_OUTDATED_LOCKFILE",
    },
    # its bun.lockb is a stand-in, not bun's binary format
    "remix-supabase-bun": {"fieldnotes": "fails:image:failed to parse lockfile"},
    "replit-express-vite": {"rest-express": "serves"},  # port 5000, no prune (imports vite)
    "streamlit-openai": {"repo": "serves"},  # /_stcore/health on 8501
    # `next build` imports its routes, and neon() throws without DATABASE_URL: a secret at
    # import (the build stage has none, by design: no secret in the image)
    "v0-next-drizzle-neon": {
        "my-v0-project": "fails:image:No database connection string was provided to `neon()`"
    },
    # the fixture has no tsconfig.json: `tsc` prints its help and exits 1
    "vite-spa-messy-files": {"boutique-lumiere": "fails:image:TypeScript's output"},
}
# CI steps the audit reports (OPS009) and the generated CI runs without blocking:
# (step, text of the first error line).
CI_REPORTED: dict[str, dict[str, tuple[str, str]]] = {
    # react-scripts test with CI=true and no test file exits 1
    "cra-dashboard": {"crm-dashboard": ("test", "0 matches")},
}
# CI steps that fail on the prototype's own code, which scaffold cannot tell without
# running them: (step, text of the first error line). They stay blocking.
CI_FAILS: dict[str, dict[str, tuple[str, str]]] = {
    # its jest test imports supertest without @types/supertest (TS7016)
    "express-pg-docker-ci": {"invoicer-api": ("test", "Test suite failed to run")},
}
# The fixture's uv.lock is abbreviated (no wheels, no sdists): it cannot install, and the
# harness does not regenerate uv lockfiles (the image's Python must match requires-python).
_UV = "the fixture's abbreviated uv.lock cannot install: "
XFAIL: dict[str, str] = {
    # the prototype's own code: SvelteKit inlines $env/static/private at build time, and
    # the generated build stage has no DATABASE_URL (nor should it bake one in); the app
    # has to move to $env/dynamic/private, which the audit reports (CODE008)
    "sveltekit-postgres": "image build: `yarn build` -> x Build failed: src/lib/server/db.ts "
    '(2:9): "DATABASE_URL" is not exported by "virtual:env/static/private"',
    "fastapi-sqlalchemy-alembic": _UV + "error: Failed to parse `uv.lock`",
    "replit-flask-trading-bot": _UV + "error: Distribution `flask==3.1.1 @ registry+"
    "https://pypi.org/simple` can't be installed because it doesn't have a source "
    "distribution or wheel for the current platform",
}
# Prisma downloads its engines from binaries.prisma.sh at install: needs that host too.
NEEDS_HOST = {
    "nestjs-prisma-prod-docker": "binaries.prisma.sh",
    "next-pages-prisma-sqlite": "binaries.prisma.sh",
}
TIMINGS: dict[str, float] = {}


def _resolves(host: str) -> bool:
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        return False
    return True


def _check(run: AppRun, expected: str, summary: str) -> None:
    if expected == "serves":
        assert run.health_status == 200, summary
        assert not run.failed("image") and not run.failed("migrate"), summary
    elif expected == "static":
        assert run.output_index, summary
    elif expected == "unwired":
        assert not run.failed("image"), summary
        assert run.health_status == 404, summary
    else:
        _, phase, text = expected.split(":", 2)
        failed = run.failed(phase)
        assert failed and text in failed[0].first_error, summary


@pytest.mark.parametrize("name", fixture_names())
def test_fixture_run_contract(name: str, tmp_path: Path) -> None:
    if name in XFAIL:
        pytest.xfail(XFAIL[name])
    host = NEEDS_HOST.get(name)
    if host and not _resolves(host):
        pytest.skip(f"{host} does not resolve here: the install downloads from it")
    started = time.monotonic()
    repo = runnable(name, tmp_path / "repo")
    expected = EXPECT.get(name, {})
    # Where every app fails on its own code, its CI job is not checked: not replayed.
    replay_ci = not all(e.startswith("fails:") for e in expected.values())
    result = run_contract(repo, tmp_path / "run", ci=replay_ci)
    TIMINGS[name] = time.monotonic() - started
    summary = f"{name} ({TIMINGS[name]:.0f}s)\n{result.summary()}"
    print(summary)  # every step's seconds, shown by -rA (scripts/run-contract.sh)
    assert result.init_exit == 0, summary
    assert {a.app for a in result.apps} == set(expected), summary
    for run in result.apps:
        _check(run, expected[run.app], summary)
    for run in result.apps:  # the CI job: every blocking step passes, lint only recorded
        if expected[run.app].startswith("fails:"):
            continue
        reported = CI_REPORTED.get(name, {}).get(run.app)
        if reported is not None:
            shown = [(s.name, s.first_error) for s in run.steps if s.phase == "ci" and not s.passed]
            assert any(n == reported[0] and reported[1] in e for n, e in shown), summary
        known = CI_FAILS.get(name, {}).get(run.app)
        failed = [(s.name, s.first_error) for s in run.failed("ci")]
        if known is None:
            assert not failed, summary
        else:
            assert len(failed) == 1 and failed[0][0] == known[0], summary
            assert known[1] in failed[0][1], summary
