"""CLI adapter: `scaffold secrets push|set|list ENV`.

Secret values are read here (file, stdin, hidden prompt) and handed straight to
scaffolder.ops.secrets; nothing here prints them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from scaffolder.cli import console
from scaffolder.cli.options import (
    EnvArgument,
    JsonOption,
    OutputsOption,
    ProjectOption,
    ops_context,
)
from scaffolder.errors import InputError

if TYPE_CHECKING:
    from scaffolder.ops.secrets import SecretsChange

FROM_OPT = typer.Option(
    None, "--from", help="The dotenv file to push (default: .env).", readable=False
)


def register(app: typer.Typer) -> None:
    """Add `scaffold secrets push|set|list` to the root app."""
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


def _example(project: Path | None) -> list[str] | None:
    from scaffolder.ops.dotenv import example_names

    return example_names((project or Path.cwd()) / ".env.example")


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
    if change.platform_set:
        console.warn(
            f"not stored, {change.environment} sets these itself: {', '.join(change.platform_set)}"
        )
    if change.unknown:
        console.warn(f"not in .env.example: {', '.join(change.unknown)}")
    if change.missing:
        console.warn(
            f"in .env.example but not set in {change.environment}: {', '.join(change.missing)}"
        )


def secrets_push(
    env: EnvArgument,
    source: Path | None = FROM_OPT,
    project: ProjectOption = None,
    outputs_file: OutputsOption = None,
    json_out: JsonOption = False,
) -> None:
    """Merge a .env file into the environment's app secret."""
    from scaffolder.ops.dotenv import read_dotenv
    from scaffolder.ops.secrets import push

    source = source or (project or Path.cwd()) / ".env"
    values = read_dotenv(source)
    if not values:
        raise InputError(f"{source} defines no variables.", hint="Write NAME=value lines.")
    ctx = ops_context(env, project, outputs_file)
    _render_change(push(ctx, values, example=_example(project)), json_out)


def _read_value(name: str) -> str:
    if not sys.stdin.isatty():
        value = sys.stdin.read()
        # `echo value |` adds one newline that is not part of the value.
        return value[:-1] if value.endswith("\n") else value
    value = typer.prompt(f"Value for {name}", hide_input=True, confirmation_prompt=True)
    return str(value)


def secrets_set(
    env: EnvArgument,
    name: str = typer.Argument(..., help="Variable name, e.g. STRIPE_SECRET_KEY."),
    project: ProjectOption = None,
    outputs_file: OutputsOption = None,
    json_out: JsonOption = False,
) -> None:
    """Set one variable; the value comes from stdin when piped, else a hidden prompt."""
    from scaffolder.ops.secrets import check_name, set_value

    check_name(name)  # before asking for a value that would then be thrown away
    ctx = ops_context(env, project, outputs_file)
    value = _read_value(name)
    if not value:
        raise InputError(f"No value was given for {name}.", hint="Pipe it in or type it.")
    _render_change(set_value(ctx, name, value, example=_example(project)), json_out)


def secrets_list(
    env: EnvArgument,
    project: ProjectOption = None,
    outputs_file: OutputsOption = None,
    json_out: JsonOption = False,
) -> None:
    """List the variable names and when each last changed (never the values)."""
    from scaffolder.ops.secrets import list_names

    listing = list_names(ops_context(env, project, outputs_file), example=_example(project))
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
