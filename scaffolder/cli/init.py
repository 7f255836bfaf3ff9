"""CLI adapter for `scaffold init`: parse, build the dependencies, call run_init, print."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scaffolder.cli import console
from scaffolder.cli.options import JsonOption, PathArgument, ProjectOption
from scaffolder.cli.project import project_dir
from scaffolder.display import printable

if TYPE_CHECKING:
    from scaffolder.init.answers import Question
    from scaffolder.init.records import InitResult
    from scaffolder.models import RepoFacts


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command(
        "init",
        help=(
            "Write the production pieces into the repository, or update them.\n\n"
            "The first run renders Dockerfile, CI/CD, infra/Pulumi.<env>.yaml and a runbook; "
            "later runs merge template changes with your edits (conflicts exit 1).\n\n"
            "Examples:\n\n"
            "  scaffold init --defaults\n\n"
            "  scaffold init --data aws_region=eu-west-1 --data environments=dev,prod\n\n"
            "  scaffold init --pretend        # show what would change"
        ),
    )(init_command)


def init_command(
    path: PathArgument = None,
    *,
    project: ProjectOption = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Use the detected defaults; never ask.")
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", help="Set an answer, KEY=VALUE (repeatable)."),
    ] = None,
    pretend: Annotated[
        bool, typer.Option("--pretend", help="Show what would change; write nothing.")
    ] = False,
    allow_dirty: Annotated[
        bool, typer.Option("--allow-dirty", help="Run even with uncommitted changes.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Parse options, run the engine, print its result."""
    from scaffolder.init.answers import parse_data
    from scaffolder.init.engine import InitDeps, InitOptions, run_init

    options = InitOptions(data=parse_data(data or []), pretend=pretend, allow_dirty=allow_dirty)
    interactive = not defaults and console.is_interactive()
    deps = InitDeps(inspect=_inspect_and_summarise, ask=_prompt if interactive else None)
    result = run_init(project_dir(project, path), options, deps)
    if as_json:
        console.stdout.print_json(result.model_dump_json())
    else:
        _print_result(result)
    report_conflicts(result)


def report_conflicts(result: InitResult) -> None:
    """Exit 1 (CheckFailed) when the update left conflict markers, naming the files."""
    from scaffolder.errors import CheckFailed

    if result.conflicts:
        raise CheckFailed(
            f"Merge conflicts left inline in: {', '.join(result.conflicts)}.",
            hint="Resolve the <<<<<<< / >>>>>>> blocks in those files, then commit.",
        )


def _inspect_and_summarise(root: Path) -> RepoFacts:
    """Inspect the repository and print the short audit summary."""
    from scaffolder.audit import evaluate
    from scaffolder.inspect import inspect_repository

    facts = inspect_repository(root)
    report = evaluate(facts)
    risks = ", ".join(report.top_risks[:3]) or "none"
    console.info(f"Production readiness: {report.score}/100 (top risks: {risks}).")
    console.info("Run `scaffold audit` for the full report.")
    return facts


def _prompt(question: Question) -> Any:
    default = question.default
    shown = ",".join(default) if isinstance(default, list) else str(default)
    return typer.prompt(question.help, default=shown, show_default=True, err=True)


def _print_result(result: InitResult) -> None:
    header = "First render" if result.mode == "copy" else "Update"
    version = result.template_version
    if result.previous_template_version and result.previous_template_version != version:
        version = f"{result.previous_template_version} -> {version}"
    console.info(f"{header} with template {version}{' (pretend)' if result.pretend else ''}.")
    for warning in result.warnings:
        console.warn(warning)
    sections = (
        ("created", result.created),
        ("updated", result.updated),
        ("deleted", result.deleted),
    )
    for label, paths in sections:
        for path in paths:
            marker = " (conflict)" if path in result.conflicts else ""
            shown = printable(path)
            console.stdout.print(f"  {label:8} {shown}{marker}", highlight=False, markup=False)
    for path, why in result.kept.items():
        shown = printable(f"{path}: {why}")
        console.stdout.print(f"  {'kept':8} {shown}", highlight=False, markup=False)
    if not result.changed:
        console.success("Nothing to change: the generated files are up to date.")
    elif result.pretend:
        console.info("Nothing was written (--pretend).")
    else:
        console.success("Files written; review them with `git diff`, then commit.")
