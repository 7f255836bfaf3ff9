"""`scaffold smoke` against a recording fake docker: the argv and environment it passes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from scaffolder.cli.app import main
from tests.smoke.fake_engine import calls, install

CONTEXT = {
    "project": "shop",
    "database": "rds",
    "apps": [
        {
            "name": "api",
            "root": ".",
            "kind": "express",
            "language": "node",
            "shape": "server",
            "port": 3000,
            "health_path": "/healthz",
            "dockerfile_path": "Dockerfile",
            "build_context": None,
        },
        {"name": "web", "root": "web", "language": "node", "shape": "static"},
    ],
    "migrations": [
        {"tool": "prisma-migrate", "app_root": ".", "deploy_command": "npx prisma migrate deploy"}
    ],
}


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_port() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / ".scaffold").mkdir(parents=True)
    stored = {"scaffold_version": "0.1.0", "ctx": CONTEXT, "generated": [], "user_owned": []}
    (root / ".scaffold/context.json").write_text(json.dumps(stored), encoding="utf-8")
    (root / ".env.example").write_text(
        "DATABASE_URL=\nOPENAI_API_KEY=\nSUPABASE_URL=\nPORT=3000\n", encoding="utf-8"
    )
    (root / "Dockerfile").write_text("FROM node:20\n", encoding="utf-8")
    return root


def _rules(port: int, migrate: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    ports = {"3000/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(port)}]}
    return [
        {"match": ["inspect", "{{.State.Health.Status}}"], "stdout": "healthy\n"},
        {"match": ["inspect", "{{json .NetworkSettings.Ports}}"], "stdout": json.dumps(ports)},
        {"match": ["inspect", "{{.State.Running}}"], "stdout": "true\n"},
        {"match": ["logs"], "stdout": "prisma: P1001 can't reach database server\n"},
        *([migrate] if migrate else []),
    ]


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    return int(exited.value.code or 0)


def _by_command(log: list[dict[str, Any]], *words: str) -> list[dict[str, Any]]:
    return [c for c in log if all(w in c["args"] for w in words)]


def test_smoke_with_recording_fake_docker_builds_migrates_starts_and_probes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    health_port: int,
) -> None:
    root = _project(tmp_path)
    log = install(tmp_path / "bin", _rules(health_port))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    assert _run(["smoke", str(root), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(s["app"], s["step"], s["passed"]) for s in result["steps"]] == [
        (None, "database", True),
        ("api", "build", True),
        ("api", "migrate", True),
        ("api", "start", True),
        ("api", "health", True),
    ]
    recorded = calls(log)
    (build,) = _by_command(recorded, "build")
    assert build["args"][:3] == ["build", "-f", str(root / "Dockerfile")]
    assert build["args"][-1] == str(root)
    tag = build["args"][build["args"].index("-t") + 1]
    (postgres,) = _by_command(recorded, "run", "postgres:16")
    password = postgres["env"]["POSTGRES_PASSWORD"]
    assert password and not any(password in " ".join(c["args"]) for c in recorded)
    # the migration task: same image, entrypoint kept, `sh -c <command>`, the task's env
    (migrate,) = _by_command(recorded, "run", "sh", "-c")
    assert migrate["args"][-4:] == [tag, "sh", "-c", "npx prisma migrate deploy"]
    (start,) = _by_command(recorded, "run", "-d", tag)
    assert "127.0.0.1::3000" in start["args"]
    for task in (migrate, start):
        env = task["env"]
        assert env["PORT"] == "3000" and env["NODE_ENV"] == "production"
        assert env["HOST"] == "0.0.0.0"
        assert env["OPENAI_API_KEY"] == "scaffold-smoke-dummy"
        assert env["SUPABASE_URL"].startswith("http://")
        # RDS: ECS gives DB_*, the generated entrypoint composes DATABASE_URL
        assert "DATABASE_URL" not in env
        assert env["DB_PASSWORD"] == password and env["DB_USER"] == "postgres"
        assert env["DB_HOST"] == postgres["args"][postgres["args"].index("--name") + 1]
    # cleanup: every container and the network, last
    (remove,) = _by_command(recorded, "rm", "-f")
    names = [c["args"][c["args"].index("--name") + 1] for c in _by_command(recorded, "run")]
    assert sorted(remove["args"][2:]) == sorted(names)
    assert recorded[-1]["args"][:2] == ["network", "rm"]


def test_smoke_with_recording_fake_docker_reports_a_failed_migration_and_cleans_up(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    health_port: int,
) -> None:
    root = _project(tmp_path)
    failing = {"match": ["sh", "-c"], "stderr": "Error: P1001\n", "code": 1}
    log = install(tmp_path / "bin", _rules(health_port, failing))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    assert _run(["smoke", str(root)]) == 1
    captured = capsys.readouterr()
    assert "FAIL api" in captured.out and "npx prisma migrate deploy" in captured.out
    assert "P1001 can't reach database server" in captured.out  # the container's log tail
    assert "The smoke test failed: api migrate" in captured.err
    recorded = calls(log)
    assert not _by_command(recorded, "run", "-d", "-p")  # never started after a failed migration
    assert _by_command(recorded, "rm", "-f") and recorded[-1]["args"][:2] == ["network", "rm"]


def test_smoke_with_recording_fake_docker_fails_when_the_container_stops(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = _project(tmp_path)
    rules = _rules(9)  # nothing listens on port 9
    rules.insert(0, {"match": ["inspect", "{{.State.Running}}"], "stdout": "false\n"})
    install(tmp_path / "bin", rules)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    assert _run(["smoke", str(root), "--json"]) == 1
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert steps[-1]["step"] == "health" and not steps[-1]["passed"]
    assert "stopped" in steps[-1]["detail"] and steps[-1]["log_tail"]


def test_smoke_without_a_container_engine_says_so_and_exits_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    assert _run(["smoke", str(root)]) == 5
    err = capsys.readouterr().err
    assert "needs a container engine, and docker or podman is not on the PATH" in err
