"""CLI adapter: `scaffold bootstrap` and `scaffold status ENV`.

Each command parses, builds what the API needs, calls one function of
scaffolder.ops and renders the model it returns.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from scaffolder.cli import console
from scaffolder.cli.options import (
    EnvArgument,
    JsonOption,
    OutputsOption,
    ProjectOption,
    ops_context,
    plain,
)
from scaffolder.errors import CheckFailed

if TYPE_CHECKING:
    from scaffolder.ops.status import EnvironmentStatus


def register(app: typer.Typer) -> None:
    """Add bootstrap and status to the root app (secrets and rollback: their own modules)."""
    app.command("bootstrap")(bootstrap)
    app.command("status")(status)


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
    project: ProjectOption = None,
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
    plain(plan.backend_url)


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
        plain(f"  {svc.name} {svc.url}: {label}; live {svc.live or '-'}")
    for alarm in report.alarms:
        plain(f"  ALARM {alarm.name}: {alarm.reason}")
    backup = report.last_backup
    plain(f"  last backup: {f'{backup.created_at} ({backup.kind})' if backup else 'none'}")
    check = report.last_verification
    verified = f"{check.at} ({'passed' if check.passed else 'FAILED'})" if check else "none"
    plain(f"  last restore verification: {verified}")


def status(
    env: EnvArgument,
    project: ProjectOption = None,
    outputs_file: OutputsOption = None,
    json_out: JsonOption = False,
) -> None:
    """Current release, alarms, last backup and verified restore; exit 1 when unhealthy.

    Examples:

      scaffold status prod

      scaffold status staging --json
    """
    from scaffolder.ops.status import environment_status

    report = environment_status(ops_context(env, project, outputs_file, with_spec=True))
    if json_out:
        console.stdout.print_json(report.model_dump_json())
    else:
        _render_status(report)
    if not report.healthy:
        raise CheckFailed(
            f"{env} is unhealthy: {'; '.join(report.problems)}.",
            hint=f"Fix what is listed, then run `scaffold status {env}` again.",
        )
