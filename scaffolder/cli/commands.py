"""The `scaffold` command tree (Typer), built when a command line needs it.

scaffolder.cli.app imports this lazily: `scaffold audit` usually runs without
Typer (scaffolder.cli.fast_audit).
"""

from __future__ import annotations

import typer

import scaffolder
from scaffolder.cli import audit, backup, console, init, ops, provision, rollback, secrets, smoke

app = typer.Typer(
    name="scaffold",
    help=(
        "Turn an AI-built prototype into a system that is safe to put in front of real users.\n\n"
        "Examples:\n\n"
        "  scaffold audit                 # what will break in production\n\n"
        "  scaffold init --defaults       # write Dockerfile, CI/CD, infra/, runbook\n\n"
        "  scaffold plan prod             # offline: resources and monthly cost\n\n"
        "  scaffold up staging            # provision staging on AWS with Pulumi"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version_callback(value: bool) -> None:
    if value:
        console.stdout.print(f"scaffold {scaffolder.__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    """Global options."""


audit.register(app)
init.register(app)
provision.register(app)
ops.register(app)
secrets.register(app)
rollback.register(app)
backup.register(app)
smoke.register(app)
