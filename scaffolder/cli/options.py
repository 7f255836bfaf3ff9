"""What the operations command groups share: the environment argument, the
--project / --outputs / --json options, and building an OpsContext from them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from scaffolder import console

if TYPE_CHECKING:
    from scaffolder.ops.context import OpsContext

ENV_ARG = typer.Argument(..., help="Environment: dev, staging or prod.")
PROJECT_OPT = typer.Option(None, "--project", help="Project directory (default: current).")
OUTPUTS_OPT = typer.Option(
    None, "--outputs", help="Stack outputs as a JSON file, instead of reading the Pulumi stack."
)
JSON_OPT = typer.Option(False, "--json", help="Print the result as JSON on stdout.")


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
    )


def plain(text: str, *, to_stderr: bool = False) -> None:
    """Print text as it is: no markup, no highlighting (names and ids may hold brackets)."""
    (console.stderr if to_stderr else console.stdout).print(Text(text))
