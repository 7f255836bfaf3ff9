"""What the commands share: the environment argument, the --project / --outputs / --json
options, and building an OpsContext from them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from scaffolder.cli import console

if TYPE_CHECKING:
    from scaffolder.models import EnvName, StackOutputs
    from scaffolder.ops.context import OpsContext

# One alias per shared option, so every command spells --project, --outputs and
# --json the same way (the environment argument too).
EnvArgument = Annotated[str, typer.Argument(help="Environment: dev, staging or prod.")]
# Every command names the project the same way: --project DIR or -C DIR (as git -C),
# the current directory by default. audit and init also take it as a positional PATH.
PROJECT_FLAGS = ("--project", "-C")
PROJECT_HELP = "The project (repository) folder; default: the current directory."
# Typer checks that an existing path is readable and calls a failure a usage error
# (exit 2), while a missing file is scaffold's InputError (3): the commands read the
# paths themselves (readable=False on every path), so both end as 3.
ProjectOption = Annotated[
    Path | None, typer.Option(*PROJECT_FLAGS, help=PROJECT_HELP, readable=False)
]
PathArgument = Annotated[
    Path | None,
    typer.Argument(help="The repository; the same as --project (default: here).", readable=False),
]
OutputsOption = Annotated[
    Path | None,
    typer.Option(
        "--outputs",
        readable=False,
        help="Stack outputs as a JSON file, instead of reading the Pulumi stack.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]


def project_dir(project: Path | None) -> Path:
    """The --project folder, or the current one."""
    return Path(".") if project is None else project


def ops_context(
    env: str,
    project: Path | None,
    outputs_file: Path | None,
    *,
    with_spec: bool = False,
    spec_required: bool = False,
) -> OpsContext:
    """The context of an operations command (boto3 clients in the outputs' region)."""
    from scaffolder.ops.context import resolve_context

    return resolve_context(
        env,
        project=project,
        outputs_file=outputs_file,
        with_spec=with_spec,
        spec_required=spec_required,
        stack_outputs=_pulumi_stack_outputs,
    )


def _pulumi_stack_outputs(project_dir: Path, env: EnvName) -> StackOutputs:
    from scaffolder.provision.automation import read_stack_outputs

    return read_stack_outputs(project_dir, env)


def plain(text: str, *, to_stderr: bool = False) -> None:
    """Print text as it is: no markup, no highlighting (names and ids may hold brackets)."""
    (console.stderr if to_stderr else console.stdout).print(Text(text))
