"""CLI adapter for `scaffold plan|preview|up|destroy|outputs`: parse, call, render."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scaffolder.cli import console
from scaffolder.cli.options import EnvArgument, JsonOption, ProjectOption, project_dir

if TYPE_CHECKING:
    from scaffolder.provision.automation import ProvisionDeps, ProvisionResult
    from scaffolder.provision.plan import Plan
    from scaffolder.provision.safety import ChangeSummary

Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("plan")(plan_command)
    app.command("preview")(preview_command)
    app.command("up")(up_command)
    app.command("destroy")(destroy_command)
    app.command("outputs")(outputs_command)


def plan_command(
    env: EnvArgument,
    as_json: JsonOption = False,
    project: ProjectOption = None,
    infra: Annotated[
        Path | None,
        typer.Option(
            "--infra",
            help="Folder with Pulumi.<env>.yaml; default: <project>/infra.",
            readable=False,
        ),
    ] = None,
    details: Annotated[
        bool,
        typer.Option("--details", help="Also show each resource's AWS name and its key settings."),
    ] = False,
) -> None:
    """Offline: the resources ENV would have and their estimated monthly cost.

    Runs the same Pulumi program as `scaffold up` under Pulumi's mocks: no AWS
    account, no Pulumi CLI. --json lists every resource's inputs (secret values
    as "[secret]") and physical_name, the name AWS will receive.

    Examples:

      scaffold plan staging --details

      scaffold plan prod --json > prod-plan.json
    """
    from scaffolder.provision.plan import plan_environment

    plan = plan_environment(infra or project_dir(project) / "infra", env)
    if as_json:
        console.stdout.print_json(plan.model_dump_json())
    else:
        _print_plan(plan, details=details)


def _print_plan(plan: Plan, *, details: bool = False) -> None:
    from rich.table import Table

    from scaffolder.provision.plan import key_settings

    table = Table(title=f"{plan.project} / {plan.environment} ({plan.region})")
    table.add_column("type")
    table.add_column("name")
    if details:
        table.add_column("AWS name / settings")
    table.add_column("USD/month", justify="right")
    for resource in plan.resources:
        cost = f"{resource.monthly_usd:.2f}" if resource.monthly_usd else ""
        # "aws:rds/instance:Instance" -> "rds/instance": readable in a narrow terminal.
        short = resource.type.split(":")[1] if resource.type.count(":") == 2 else resource.type
        if details:
            settings = [f"{k}={v}" for k, v in key_settings(resource).items()]
            shown = "\n".join([resource.physical_name or "-", *settings])
            table.add_row(short, resource.name, shown, cost)
        else:
            table.add_row(short, resource.name, cost)
    label, amount = f"total ({len(plan.resources)} resources)", f"{plan.monthly_total_usd:.2f}"
    if details:
        table.add_row("", label, "", amount)
    else:
        table.add_row("", label, amount)
    console.stdout.print(table)
    console.info(f"Prices: {plan.prices_region} list prices as of {plan.prices_as_of}.")
    for url in plan.endpoints:
        console.info(f"Endpoint: {url}")
    for note in plan.notes:
        console.info(note)


def _deps() -> ProvisionDeps:
    from scaffolder.provision.automation import ProvisionDeps

    interactive = console.is_interactive()

    def confirm(question: str) -> bool:
        return typer.confirm(question, default=False, err=True)

    def prompt_secret(label: str) -> str:
        return str(typer.prompt(label, hide_input=True, err=True))

    def progress(line: str) -> None:
        sys.stderr.write(f"{line}\n")

    return ProvisionDeps(
        on_output=progress,
        confirm=confirm if interactive else None,
        prompt_secret=prompt_secret if interactive else None,
    )


def _print_summary(summary: ChangeSummary | None) -> None:
    if summary is None:
        return
    counts = ", ".join(f"{op} {n}" for op, n in sorted(summary.counts.items())) or "no changes"
    console.stdout.print(f"{summary.environment}: {counts}", highlight=False)
    for change in summary.stateful_changes:
        console.warn(f"{change.op}: {change.urn.rsplit('::', 1)[-1]} ({change.type})")


def _render(result: ProvisionResult, as_json: bool) -> None:
    if as_json:
        console.stdout.print_json(result.model_dump_json())
        return
    _print_summary(result.summary)
    if result.outputs is not None:
        for service in result.outputs.services:
            console.stdout.print(f"{service.name}: {service.url}", highlight=False)


def preview_command(
    env: EnvArgument, as_json: JsonOption = False, project: ProjectOption = None
) -> None:
    """Show what `scaffold up ENV` would change, without changing anything.

    Examples:

      scaffold preview staging
    """
    from scaffolder.provision.automation import preview

    _render(preview(project_dir(project), env, _deps()), as_json)


def up_command(
    env: EnvArgument,
    yes: Yes = False,
    allow_replace: Annotated[
        bool,
        typer.Option("--allow-replace", help="Allow replacing/deleting databases, buckets, keys."),
    ] = False,
    as_json: JsonOption = False,
    project: ProjectOption = None,
) -> None:
    """Create or update ENV on AWS (previews first; prod asks unless --yes).

    Examples:

      scaffold up staging

      scaffold up prod --yes
    """
    from scaffolder.provision.automation import up

    result = up(project_dir(project), env, _deps(), yes=yes, allow_replace=allow_replace)
    _render(result, as_json)
    console.success(f"{env} is up to date.")


def destroy_command(
    env: EnvArgument,
    yes: Yes = False,
    i_understand: Annotated[
        bool,
        typer.Option("--i-understand-this-deletes-prod", help="Required to destroy prod."),
    ] = False,
    project: ProjectOption = None,
) -> None:
    """Delete every resource of ENV (staging/prod keep a final DB snapshot).

    Examples:

      scaffold destroy dev --yes
    """
    from scaffolder.provision.automation import destroy

    destroy(project_dir(project), env, _deps(), yes=yes, i_understand_prod=i_understand)
    console.success(f"{env} destroyed.")


def outputs_command(
    env: EnvArgument,
    as_json: JsonOption = False,
    project: ProjectOption = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="pulumi: the stack's state (default); ssm: what `scaffold up` published in "
            "SSM, readable by the deploy role (default: $SCAFFOLD_OUTPUTS_SOURCE).",
        ),
    ] = None,
) -> None:
    """Print ENV's stack outputs (what the ops commands use).

    Examples:

      scaffold outputs prod --json > prod-outputs.json

      scaffold outputs prod --from ssm --json   # in CI: no Pulumi state or passphrase
    """
    import os

    from scaffolder.environment.spec import check_env_name
    from scaffolder.ops.context import read_ssm_outputs
    from scaffolder.ops.published_outputs import outputs_source
    from scaffolder.provision.automation import read_stack_outputs

    if outputs_source(source, os.environ) == "ssm":
        outputs, _ = read_ssm_outputs(project_dir(project).resolve(), check_env_name(env))
    else:
        outputs = read_stack_outputs(project_dir(project), env, _deps())
    if as_json:
        console.stdout.print_json(outputs.model_dump_json())
        return
    for key, value in outputs.model_dump(exclude={"services"}).items():
        if value is not None:
            console.stdout.print(f"{key}: {value}", highlight=False)
    for service in outputs.services:
        console.stdout.print(f"service {service.name}: {service.url}", highlight=False)
