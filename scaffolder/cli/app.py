"""The `scaffold` entry point.

Heavy libraries (pulumi, boto3, copier) are imported inside the command
functions, never at module level, so `scaffold --help` stays fast.
"""

from __future__ import annotations

import sys
import traceback

import typer

import scaffolder
from scaffolder import console
from scaffolder.cli import audit, backup, init, ops, provision, rollback, secrets
from scaffolder.errors import Interrupted, ScaffoldError

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


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and turn every error into one sentence, a hint and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        result = app(args=args, prog_name="scaffold", standalone_mode=False)
    except ScaffoldError as exc:
        if debug:
            traceback.print_exc()
        console.error(exc)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        interrupted = Interrupted("Interrupted.")
        console.error(interrupted)
        sys.exit(interrupted.exit_code)
    except typer.TyperException as exc:
        # Typer >= 0.26 vendors its own click (and no longer installs click): its usage
        # errors (exit 2) and other click errors all derive from TyperException.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            console.stderr.print(f"error: {exc.format_message()}", highlight=False, markup=False)
        sys.exit(exc.exit_code)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
