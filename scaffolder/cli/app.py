"""The `scaffold` entry point.

Heavy libraries (pulumi, boto3, copier) are imported inside the command
functions, never at module level, so `scaffold --help` stays fast. The Typer
command tree (scaffolder.cli.commands) is built only when a command line needs
it: the plain forms of `scaffold audit` run without it (scaffolder.cli.fast_audit).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from scaffolder.cli import console
from scaffolder.cli.signals import signals_as_interrupts
from scaffolder.errors import InputError, Interrupted, ScaffoldError

if TYPE_CHECKING:
    import typer

    from scaffolder.cli.fast_audit import AuditArgs


def __getattr__(name: str) -> Any:
    # `app`, the Typer command tree, is built on first use (tests and `-m` import it).
    if name == "app":
        from scaffolder.cli.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None, *, cli: typer.Typer | None = None) -> None:
    """Run the CLI and turn every error into one sentence, a hint and an exit code.

    `cli` is the app to run (default: scaffolder.cli.commands.app): tests pass one
    whose command fails in a chosen way.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    # SIGTERM/SIGHUP raise a KeyboardInterrupt, so every `finally` cleans up as for Ctrl-C.
    with signals_as_interrupts() as received:
        code = _run(cli, args, debug="--debug" in args, received=received)
    sys.exit(code)


def _run(cli: typer.Typer | None, args: list[str], *, debug: bool, received: list[str]) -> int:
    from scaffolder.cli.fast_audit import parse

    plain_audit = parse(args) if cli is None else None
    if plain_audit is not None:
        return _run_plain_audit(plain_audit, args, debug=debug, received=received)
    if cli is None:
        from scaffolder.cli.commands import app

        cli = app
    return _run_typer(cli, args, debug=debug, received=received)


def _run_typer(cli: typer.Typer, args: list[str], *, debug: bool, received: list[str]) -> int:
    import typer

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


def _run_plain_audit(plain: AuditArgs, args: list[str], *, debug: bool, received: list[str]) -> int:
    """`scaffold audit` without Typer, its errors handled as `_run` handles them."""
    from scaffolder.cli.audit_run import run_audit_command

    try:
        run_audit_command(**vars(plain))
    except KeyboardInterrupt:
        return _interrupted(received)
    except Exception as exc:
        return _fail(_translate(exc, args), debug=debug, cause=exc)
    return 0


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
    from scaffolder.cli.crash import unexpected_error

    return unexpected_error(exc, args)


def _fail(error: ScaffoldError, *, debug: bool, cause: BaseException) -> int:
    if debug:
        import traceback

        traceback.print_exception(cause)
    console.error(error)
    return error.exit_code


if __name__ == "__main__":  # pragma: no cover
    main()
