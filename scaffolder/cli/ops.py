"""CLI adapter for the operations commands: `scaffold bootstrap`, `scaffold
secrets push|set|list ENV`, `scaffold rollback ENV`, `scaffold status ENV`.

Each command parses, builds an OpsContext, calls one function of
scaffolder.ops and renders the model it returns. Secret values are read here
(file, stdin, hidden prompt) and handed straight to the API; nothing here
prints them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from scaffolder import console
from scaffolder.errors import CheckFailed, InputError, SafetyRefusal

if TYPE_CHECKING:
    from scaffolder.ops.context import OpsContext
    from scaffolder.ops.rollback import RollbackPlan
    from scaffolder.ops.secrets import SecretsChange
    from scaffolder.ops.status import EnvironmentStatus

ENV_ARG = typer.Argument(..., help="Environment: dev, staging or prod.")
PROJECT_OPT = typer.Option(None, "--project", help="Project directory (default: current).")
OUTPUTS_OPT = typer.Option(
    None, "--outputs", help="Stack outputs as a JSON file, instead of reading the Pulumi stack."
)
JSON_OPT = typer.Option(False, "--json", help="Print the result as JSON on stdout.")
FROM_OPT = typer.Option(None, "--from", help="The dotenv file to push (default: .env).")


def _context(
    env: str, project: Path | None, outputs_file: Path | None, *, with_spec: bool = False
) -> OpsContext:
    from scaffolder.ops.context import resolve_context

    return resolve_context(env, project=project, outputs_file=outputs_file, with_spec=with_spec)


def _example(project: Path | None) -> list[str] | None:
    from scaffolder.ops.dotenv import example_names

    return example_names((project or Path.cwd()) / ".env.example")


def _plain(text: str, *, to_stderr: bool = False) -> None:
    (console.stderr if to_stderr else console.stdout).print(Text(text))


def register(app: typer.Typer) -> None:
    """Add bootstrap, secrets, rollback and status to the root app."""
    app.command("bootstrap")(bootstrap)
    secrets = typer.Typer(
        name="secrets",
        no_args_is_help=True,
        help="Put the app's settings into an environment's secret; values are never printed."
        "\n\nExamples:\n\n  scaffold secrets push staging --from .env.staging\n\n"
        '  printf %s "$TOKEN" | scaffold secrets set prod STRIPE_KEY\n\n'
        "  scaffold secrets list prod --json",
    )
    secrets.command("push")(secrets_push)
    secrets.command("set")(secrets_set)
    secrets.command("list")(secrets_list)
    app.add_typer(secrets, name="secrets")
    app.command("rollback")(rollback)
    app.command("status")(status)


# --------------------------------------------------------------------------- bootstrap


def bootstrap(
    region: str | None = typer.Option(
        None, "--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)."
    ),
    bucket: str | None = typer.Option(
        None, "--bucket", help="State bucket name (default: scaffold-state-<account>-<region>)."
    ),
    github_oidc: bool = typer.Option(
        True, "--github-oidc/--no-github-oidc", help="Create GitHub's OIDC provider if missing."
    ),
    project: Path | None = PROJECT_OPT,
) -> None:
    """Create the team's shared Pulumi state backend (once per AWS account).

    Examples:

      scaffold bootstrap

      scaffold bootstrap --region eu-west-1 --bucket acme-pulumi-state
    """
    from scaffolder.ops.bootstrap import apply_bootstrap, plan_bootstrap, record_backend
    from scaffolder.ops.clients import Boto3ClientProvider

    name = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    clients = Boto3ClientProvider(region=name or "us-east-1")
    plan = plan_bootstrap(clients, bucket=bucket, github_oidc=github_oidc)
    console.info(f"AWS account {plan.account_id}, region {plan.region}, bucket {plan.bucket}")
    for step in plan.kept:
        console.info(f"  = {step}: already in place")
    if not plan.actions:
        console.success("Nothing to change: the state backend is already set up.")
    else:
        console.info("Plan:")
        for action in plan.actions:
            console.info(f"  + {action.description}")
        result = apply_bootstrap(clients, plan)
        console.success(f"Done: {len(result.applied)} changes applied.")
    written = record_backend((project or Path.cwd()).resolve(), plan.backend_url)
    if written is not None:
        console.success(f"Recorded the backend in {written}; scaffold up/preview/outputs use it.")
    console.info(
        "Set the GitHub variable PULUMI_BACKEND_URL on each environment to this URL "
        "(and commit infra/.scaffold-backend so teammates share the state):"
    )
    _plain(plan.backend_url)


# --------------------------------------------------------------------------- secrets


def _render_change(change: SecretsChange, json_out: bool) -> None:
    if json_out:
        console.stdout.print_json(change.model_dump_json())
    else:
        parts = [
            f"{label} {', '.join(names)}"
            for label, names in (
                ("added", change.added),
                ("updated", change.updated),
                ("unchanged", change.unchanged),
            )
            if names
        ]
        verdict = "written" if change.written else "nothing changed"
        console.success(f"{change.environment} app secret: {'; '.join(parts)} ({verdict}).")
    if change.unknown:
        console.warn(f"not in .env.example: {', '.join(change.unknown)}")
    if change.missing:
        console.warn(
            f"in .env.example but not set in {change.environment}: {', '.join(change.missing)}"
        )


def secrets_push(
    env: str = ENV_ARG,
    source: Path | None = FROM_OPT,
    project: Path | None = PROJECT_OPT,
    outputs_file: Path | None = OUTPUTS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Merge a .env file into the environment's app secret."""
    from scaffolder.ops.dotenv import read_dotenv
    from scaffolder.ops.secrets import push

    source = source or (project or Path.cwd()) / ".env"
    values = read_dotenv(source)
    if not values:
        raise InputError(f"{source} defines no variables.", hint="Write NAME=value lines.")
    ctx = _context(env, project, outputs_file)
    _render_change(push(ctx, values, example=_example(project)), json_out)


def _read_value(name: str) -> str:
    if not sys.stdin.isatty():
        value = sys.stdin.read()
        # `echo value |` adds one newline that is not part of the value.
        return value[:-1] if value.endswith("\n") else value
    value = typer.prompt(f"Value for {name}", hide_input=True, confirmation_prompt=True)
    return str(value)


def secrets_set(
    env: str = ENV_ARG,
    name: str = typer.Argument(..., help="Variable name, e.g. STRIPE_SECRET_KEY."),
    project: Path | None = PROJECT_OPT,
    outputs_file: Path | None = OUTPUTS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Set one variable; the value comes from stdin when piped, else a hidden prompt."""
    from scaffolder.ops.secrets import check_name, set_value

    check_name(name)  # before asking for a value that would then be thrown away
    ctx = _context(env, project, outputs_file)
    value = _read_value(name)
    if not value:
        raise InputError(f"No value was given for {name}.", hint="Pipe it in or type it.")
    _render_change(set_value(ctx, name, value, example=_example(project)), json_out)


def secrets_list(
    env: str = ENV_ARG,
    project: Path | None = PROJECT_OPT,
    outputs_file: Path | None = OUTPUTS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """List the variable names and when each last changed (never the values)."""
    from scaffolder.ops.secrets import list_names

    listing = list_names(_context(env, project, outputs_file), example=_example(project))
    if json_out:
        console.stdout.print_json(listing.model_dump_json())
    else:
        table = Table(show_header=True, header_style="bold")
        table.add_column("name")
        table.add_column("last changed")
        for entry in listing.entries:
            table.add_row(Text(entry.name), Text(entry.last_changed or "unknown"))
        console.stdout.print(table)
        if not listing.entries:
            console.info(f"The {env} app secret holds no variables yet.")
    if listing.missing:
        console.warn(f"in .env.example but not set in {env}: {', '.join(listing.missing)}")


# --------------------------------------------------------------------------- rollback


def _render_plan(plan: RollbackPlan, *, to_stderr: bool) -> None:
    """The plan is the data of a text run; with --json it is a diagnostic (stderr)."""
    for step in plan.steps:
        what = (
            f"task definition {step.current.task_definition_arn} -> "
            f"{step.target.task_definition_arn}"
            if step.shape == "server"
            else f"site /{step.current.site_prefix} -> /{step.target.site_prefix}"
        )
        _plain(
            f"{step.service}: {step.current.release_id} ({step.current.status}) -> "
            f"{step.target.release_id} ({step.target.created_at})",
            to_stderr=to_stderr,
        )
        _plain(f"  {what}", to_stderr=to_stderr)
        if step.shape == "server":
            _plain(
                f"  image {step.current.image_digest} -> {step.target.image_digest}",
                to_stderr=to_stderr,
            )
        _plain(f"  migrations: {step.migrations}", to_stderr=to_stderr)
    for note in plan.notes:
        console.info(note)


def _confirm(env: str) -> None:
    if not console.is_interactive():
        raise SafetyRefusal(
            f"Rolling back {env} needs confirmation, and this session cannot ask.",
            hint="Re-run with --yes once you have read the plan.",
        )
    if not typer.confirm(f"Roll back {env} as shown?", default=False):
        raise SafetyRefusal("Rollback cancelled; nothing was changed.", hint="")


def rollback(  # Typer passes every option by keyword.
    *,
    env: str = ENV_ARG,
    to: str | None = typer.Option(None, "--to", help="Release id to go back to."),
    service: str | None = typer.Option(None, "--service", help="Only this service."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    allow_schema_mismatch: bool = typer.Option(
        False, "--allow-schema-mismatch", help="Roll back even though migrations ran since."
    ),
    timeout_minutes: float = typer.Option(
        15.0, "--timeout-minutes", min=1, help="How long to wait for ECS to become stable."
    ),
    project: Path | None = PROJECT_OPT,
    outputs_file: Path | None = OUTPUTS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Put the previous healthy release (or --to RELEASE) back in front of users.

    Examples:

      scaffold rollback staging

      scaffold rollback prod --to 3f2a9c1-41 --yes
    """
    from scaffolder.ops.rollback import apply_rollback, check_safety, plan_rollback

    ctx = _context(env, project, outputs_file)
    plan = plan_rollback(ctx, to=to, service=service)
    _render_plan(plan, to_stderr=json_out)
    if not plan.steps:
        console.success(f"Nothing to do: {env} already runs the requested releases.")
        return
    check_safety(plan, allow_schema_mismatch=allow_schema_mismatch)
    if not yes:
        _confirm(env)
    result = apply_rollback(
        ctx, plan, allow_schema_mismatch=allow_schema_mismatch, timeout_s=timeout_minutes * 60
    )
    if json_out:
        console.stdout.print_json(result.model_dump_json())
    for line in result.rolled_back:
        console.success(f"rolled back {line}")
    for uri in result.marked:
        console.info(f"marked rolled-back: {uri}")


# --------------------------------------------------------------------------- status


def _render_status(report: EnvironmentStatus) -> None:
    verdict = "[green]healthy[/green]" if report.healthy else "[bold red]unhealthy[/bold red]"
    console.stdout.print(f"{report.project} {report.environment}: {verdict}", highlight=False)
    for svc in report.services:
        release = svc.release
        label = (
            f"{release.release_id} ({release.status}, {release.created_at})"
            if release
            else "unknown"
        )
        _plain(f"  {svc.name}: {label}; live {svc.live or '-'}")
    for alarm in report.alarms:
        _plain(f"  ALARM {alarm.name}: {alarm.reason}")
    backup = report.last_backup
    _plain(f"  last backup: {f'{backup.created_at} ({backup.kind})' if backup else 'none'}")
    check = report.last_verification
    verified = f"{check.at} ({'passed' if check.passed else 'FAILED'})" if check else "none"
    _plain(f"  last restore verification: {verified}")


def status(
    env: str = ENV_ARG,
    project: Path | None = PROJECT_OPT,
    outputs_file: Path | None = OUTPUTS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Current release, alarms, last backup and verified restore; exit 1 when unhealthy.

    Examples:

      scaffold status prod

      scaffold status staging --json
    """
    from scaffolder.ops.status import environment_status

    report = environment_status(_context(env, project, outputs_file, with_spec=True))
    if json_out:
        console.stdout.print_json(report.model_dump_json())
    else:
        _render_status(report)
    if not report.healthy:
        raise CheckFailed(f"{env} is unhealthy: {'; '.join(report.problems)}.", hint="")
