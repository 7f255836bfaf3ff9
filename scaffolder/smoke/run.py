"""Build the generated image, start it beside a scratch Postgres, migrate, request health.

Each app runs as its ECS task does: the task's plain variables (HOST, NODE_ENV, PORT),
every name in .env.example set to a dummy, and, in an RDS project, DB_HOST/DB_PORT/
DB_NAME/DB_USER/DB_PASSWORD from which the generated entrypoint composes DATABASE_URL.
The migration runs as deploy.yml's one-off task does: the same image (its `migrate`
stage when it has one), the same entrypoint, `sh -c <migration command>`. Every
container and the network are removed in a `finally`, after a failure or Ctrl-C too.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.smoke.engine import Engine, EngineOutput
from scaffolder.smoke.models import SmokeApp, SmokePlan, SmokeResult, SmokeStep, StepName

DUMMY = "scaffold-smoke-dummy"
DUMMY_URL = "http://127.0.0.1:9/scaffold-smoke-dummy"
POSTGRES_IMAGE = "postgres:16"
# The Debian image's snakeoil certificate: TLS on, as RDS forces it (not verifiable, so the
# clients are told to encrypt without verifying: the smoke test is not about RDS's CA).
_POSTGRES_TLS = (
    "-c",
    "ssl=on",
    "-c",
    "ssl_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem",
    "-c",
    "ssl_key_file=/etc/ssl/private/ssl-cert-snakeoil.key",
)
_SSLMODE = {"node": "no-verify", "python": "require"}  # node-postgres: encrypt, skip the CA
_RESERVED = frozenset(
    {"HOST", "NODE_ENV", "PORT", "HOSTNAME", "DATABASE_URL", "PGSSLMODE"}
    | {"DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"}
)
_TAG_UNSAFE = re.compile(r"[^a-z0-9_.-]+")
LOG_TAIL = 40


def http_status(url: str, timeout: float) -> int | None:
    """The status of GET `url` (None when nothing answers)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http://127.0.0.1
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError, ValueError):
        return None


@dataclass(frozen=True)
class SmokeOptions:
    database_url: str | None = None  # the user's database instead of a scratch Postgres
    health_timeout_s: float = 120.0  # per app, from its start
    build_timeout_s: float = 1800.0
    migrate_timeout_s: float = 600.0
    postgres_image: str = POSTGRES_IMAGE


@dataclass(frozen=True)
class SmokeDeps:
    engine: Engine
    http_status: Callable[[str, float], int | None] = http_status
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    token: Callable[[], str] = field(default=lambda: secrets.token_hex(4))
    progress: Callable[[str], None] = field(default=lambda _message: None)


def dummy_value(name: str) -> str:
    return DUMMY_URL if name.upper().endswith(("_URL", "_URI", "_ENDPOINT")) else DUMMY


class _Run:
    def __init__(self, plan: SmokePlan, options: SmokeOptions, deps: SmokeDeps) -> None:
        self.plan, self.options, self.deps = plan, options, deps
        self.suffix = deps.token()
        self.network = f"scaffold-smoke-{self.suffix}"
        self.containers: list[str] = []
        self.networks: list[str] = []
        self.result = SmokeResult(engine=deps.engine.name, project=plan.project)
        self.db_env: dict[str, str] = {}

    # ------------------------------------------------------------------ engine calls
    def call(
        self, args: list[str], timeout: float = 60.0, env: Mapping[str, str] | None = None
    ) -> EngineOutput:
        return self.deps.engine.call(args, timeout=timeout, env=env)

    def step(self, step: StepName, app: str | None, ok: bool, detail: str, **more: object) -> bool:
        self.result.steps.append(
            SmokeStep.model_validate(
                {"app": app, "step": step, "passed": ok, "detail": detail, **more}
            )
        )
        self.deps.progress(f"{'ok' if ok else 'FAILED'}: {app or 'database'} {step}: {detail}")
        return ok

    def logs(self, container: str) -> list[str]:
        out = self.call(["logs", "--tail", str(LOG_TAIL), container])
        return [line for line in (out.stdout + out.stderr).splitlines() if line.strip()][-LOG_TAIL:]

    def inspect(self, container: str, template: str) -> str:
        return self.call(["inspect", "--format", template, container]).stdout.strip()

    # ------------------------------------------------------------------ the database
    def start_network(self) -> bool:
        out = self.call(["network", "create", self.network])
        if out.ok:
            self.networks.append(self.network)
        return out.ok or self.step("database", None, False, f"network: {out.first_error_line()}")

    def start_database(self) -> bool:
        if self.options.database_url:
            self.db_env = {"DATABASE_URL": self.options.database_url}
            return self.step("database", None, True, "using the DATABASE_URL you gave")
        if self.plan.database == "none":
            return True
        name, password = f"scaffold-smoke-pg-{self.suffix}", secrets.token_hex(16)
        args = [
            "run", "-d", "--name", name, "--network", self.network,
            "--health-cmd", "pg_isready -U postgres -d app", "--health-interval", "1s",
            "-e", "POSTGRES_PASSWORD", "-e", "POSTGRES_DB=app",
            self.options.postgres_image, *_POSTGRES_TLS,
        ]  # fmt: skip
        out = self.call(args, timeout=600.0, env={"POSTGRES_PASSWORD": password})
        if not out.ok:
            return self.step("database", None, False, out.first_error_line(), command=args)
        self.containers.append(name)
        deadline = self.deps.clock() + 120.0
        while self.inspect(name, "{{.State.Health.Status}}") != "healthy":
            if self.deps.clock() > deadline:
                detail = "the scratch Postgres did not become ready within 120s"
                return self.step("database", None, False, detail, log_tail=self.logs(name))
            self.deps.sleep(1.0)
        if self.plan.database == "rds":  # ECS gives DB_*; the entrypoint composes the URL
            self.db_env = {
                "DB_HOST": name, "DB_PORT": "5432", "DB_NAME": "app",
                "DB_USER": "postgres", "DB_PASSWORD": password,
            }  # fmt: skip
        else:  # Supabase, Neon, external: the app secret holds DATABASE_URL
            self.db_env = {"DATABASE_URL": f"postgresql://postgres:{password}@{name}:5432/app"}
        image = self.options.postgres_image
        return self.step("database", None, True, f"scratch Postgres ({image}, TLS) is ready")

    # ------------------------------------------------------------------ one app
    def task_env(self, app: SmokeApp) -> dict[str, str]:
        env = {name: dummy_value(name) for name in self.plan.env_names if name not in _RESERVED}
        env |= {"HOST": "0.0.0.0", "NODE_ENV": "production", "PORT": str(app.port)}  # noqa: S104
        env |= self.db_env
        if "DB_HOST" in self.db_env or self.plan.database != "none":
            env["PGSSLMODE"] = _SSLMODE[app.language]
        return env

    @staticmethod
    def env_args(env: Mapping[str, str]) -> list[str]:
        return [arg for name in sorted(env) for arg in ("-e", name)]

    def build(self, app: SmokeApp, tag: str, target: str | None = None) -> bool:
        root = Path(self.plan.root)
        args = ["build", "-f", str(root / app.dockerfile), "-t", tag]
        args += ["--target", target] if target else []
        args.append(str(root / app.context))
        out = self.call(args, timeout=self.options.build_timeout_s)
        what = f"image {tag}" + (f" (stage {target})" if target else "")
        detail = f"built {what}" if out.ok else f"{what}: {out.first_error_line()}"
        return self.step("build", app.name, out.ok, detail, command=args)

    def migrate(self, app: SmokeApp, image: str, env: Mapping[str, str]) -> bool:
        command = app.migrate_command or ""
        name = f"scaffold-smoke-migrate-{self.suffix}-{_slug(app.name)}"
        args = ["run", "--name", name, "--network", self.network, *self.env_args(env)]
        args += [image, "sh", "-c", command]
        self.containers.append(name)
        out = self.call(args, timeout=self.options.migrate_timeout_s, env=env)
        if out.ok:
            return self.step("migrate", app.name, True, f"`{command}` exited 0", command=args)
        detail = f"`{command}` failed: {out.first_error_line()}"
        return self.step("migrate", app.name, False, detail, command=args, log_tail=self.logs(name))

    def start(self, app: SmokeApp, image: str, env: Mapping[str, str]) -> str | None:
        name = f"scaffold-smoke-app-{self.suffix}-{_slug(app.name)}"
        args = ["run", "-d", "--name", name, "--network", self.network]
        args += ["-p", f"127.0.0.1::{app.port}", *self.env_args(env), image]
        out = self.call(args, timeout=120.0, env=env)
        if not out.ok:
            self.step("start", app.name, False, out.first_error_line(), command=args)
            return None
        self.containers.append(name)
        ports = _host_port(self.inspect(name, "{{json .NetworkSettings.Ports}}"), app.port)
        if ports is None:
            detail = f"started, but port {app.port} is not published"
            self.step("start", app.name, False, detail, command=args, log_tail=self.logs(name))
            return None
        self.step("start", app.name, True, f"container {name} listens on {ports}", command=args)
        return f"http://127.0.0.1:{ports}{app.health_path}"

    def health(self, app: SmokeApp, container_url: str) -> bool:
        name = f"scaffold-smoke-app-{self.suffix}-{_slug(app.name)}"
        deadline = self.deps.clock() + self.options.health_timeout_s
        last: int | None = None
        while True:
            last = self.deps.http_status(container_url, 5.0)
            if last is not None and 200 <= last < 400:
                return self.step("health", app.name, True, f"GET {app.health_path} answered {last}")
            if self.inspect(name, "{{.State.Running}}") == "false":
                detail = f"the container stopped before {app.health_path} answered"
                return self.step("health", app.name, False, detail, log_tail=self.logs(name))
            if self.deps.clock() > deadline:
                seen = f"last status {last}" if last is not None else "no answer"
                detail = f"GET {app.health_path}: {seen} after {self.options.health_timeout_s:.0f}s"
                return self.step("health", app.name, False, detail, log_tail=self.logs(name))
            self.deps.sleep(1.0)

    def app(self, app: SmokeApp) -> None:
        tag = f"scaffold-smoke/{_slug(self.plan.project)}-{_slug(app.name)}:{self.suffix}"
        if not self.build(app, tag):
            return
        env = self.task_env(app)
        if app.migrate_command:
            image = tag
            if app.migrate_target:
                image = f"{tag}-migrate"
                if not self.build(app, image, target="migrate"):
                    return
            if not self.migrate(app, image, env):
                return
        url = self.start(app, tag, env)
        if url is not None:
            self.health(app, url)

    # ------------------------------------------------------------------ cleanup
    def cleanup(self) -> None:
        if self.containers:
            out = self.call(["rm", "-f", *self.containers], timeout=120.0)
            verb = "removed" if out.ok else f"could not remove ({out.first_error_line()})"
            self.result.cleanup.append(f"{verb} containers {', '.join(self.containers)}")
        for network in self.networks:
            out = self.call(["network", "rm", network], timeout=60.0)
            verb = "removed" if out.ok else f"could not remove ({out.first_error_line()})"
            self.result.cleanup.append(f"{verb} network {network}")


def _slug(name: str) -> str:
    return _TAG_UNSAFE.sub("-", name.lower()).strip("-.") or "app"


def _host_port(ports_json: str, port: int) -> str | None:
    try:
        ports = json.loads(ports_json or "null")
    except ValueError:
        return None
    bindings = ports.get(f"{port}/tcp") if isinstance(ports, dict) else None
    for binding in bindings if isinstance(bindings, list) else []:
        host_port = binding.get("HostPort") if isinstance(binding, dict) else None
        if isinstance(host_port, str) and host_port.isdigit():
            return host_port
    return None


def run_smoke(plan: SmokePlan, options: SmokeOptions, deps: SmokeDeps) -> SmokeResult:
    """Build, migrate, start and probe every server app of `plan`; always clean up."""
    run = _Run(plan, options, deps)
    try:
        if run.start_network() and run.start_database():
            for app in plan.apps:
                run.app(app)
    finally:
        run.cleanup()
    return run.result
