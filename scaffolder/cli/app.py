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
from scaffolder.cli import audit, backup, init, ops, provision, rollback, secrets, smoke
from scaffolder.cli.crash import unexpected_error
from scaffolder.cli.signals import signals_as_interrupts
from scaffolder.errors import InputError, Interrupted, ScaffoldError

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


def main(argv: list[str] | None = None, *, cli: typer.Typer = app) -> None:
    """Run the CLI and turn every error into one sentence, a hint and an exit code.

    `cli` is the app to run: tests pass one whose command fails in a chosen way.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    # SIGTERM/SIGHUP raise a KeyboardInterrupt, so every `finally` cleans up as for Ctrl-C.
    with signals_as_interrupts() as received:
        code = _run(cli, args, debug="--debug" in args, received=received)
    sys.exit(code)


def _run(cli: typer.Typer, args: list[str], *, debug: bool, received: list[str]) -> int:
    try:
        result = cli(args=args, prog_name="scaffold", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.TyperException as exc:
        # Typer >= 0.26 vendors its own click (and no longer installs click): its usage
        # errors (exit 2) and other click errors all derive from TyperException.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            console.stderr.print(f"error: {exc.format_message()}", highlight=False, markup=False)
        return int(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):  # outside a command, or in a prompt
        return _interrupted(received)
    except Exception as exc:
        return _fail(_translate(exc, args), debug=debug, cause=exc)
    if result == Interrupted.exit_code:
        # Typer turns a KeyboardInterrupt inside a command into a silent exit 130.
        return _interrupted(received)
    return result if isinstance(result, int) else 0


def _interrupted(received: list[str]) -> int:
    why = f"Stopped by {received[0]}" if received else "Interrupted"
    error = Interrupted(f"{why}; cleanup has run.")
    console.error(error)
    return error.exit_code


def _translate(exc: BaseException, args: list[str]) -> ScaffoldError:
    """Every exception as the ScaffoldError the user sees: one sentence, a hint, a code."""
    if isinstance(exc, ScaffoldError):
        return exc
    if isinstance(exc, RecursionError):
        # Input nested deeper than Python's parsers recurse (JSON, TOML, YAML) at a
        # call site that did not name its file: still the input's fault, not a crash.
        return InputError(
            "A file scaffold read is nested too deeply to parse.",
            hint="Look for a generated or corrupted JSON, TOML or YAML file; "
            "`scaffold --debug ...` shows where it was read.",
        )
    if isinstance(exc, PermissionError):
        # The user's folder or file is unreadable or read-only: their environment, not
        # a bug. Commands check what they know of; this catches the rest.
        where = f" {exc.filename}" if exc.filename else ""
        return InputError(
            f"Permission denied on{where}: scaffold cannot read or write it.",
            hint="Check the owner and mode of that path (ls -ld), then run the command again.",
        )
    return unexpected_error(exc, args)


def _fail(error: ScaffoldError, *, debug: bool, cause: BaseException) -> int:
    if debug:
        traceback.print_exception(cause)
    console.error(error)
    return error.exit_code


if __name__ == "__main__":  # pragma: no cover
    main()
