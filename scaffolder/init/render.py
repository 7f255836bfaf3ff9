"""The only module that imports copier.

The init engine calls these functions on a *staging* copy of the repository
(never on the user's files directly) with a template repository built by
`scaffolder.init.template_history`. Copier errors become `scaffolder.errors` here.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scaffolder.errors import InputError, MissingToolError
from scaffolder.git import isolated_env
from scaffolder.init.git import git

ANSWERS_FILE = ".scaffold/answers.yml"
# What `_src_path` says in the committed answers file: the template lives in
# the bundle; the engine points Copier at a rebuilt repository on every run.
STABLE_SRC = ".scaffold/template.bundle"
_SRC_LINE = re.compile(r"^_src_path: .*$", re.MULTILINE)


def template_dir(package: Path | None = None) -> Path:
    """The packaged template: scaffolder/_data/templates (wheel) or templates/ (checkout)."""
    package = package or Path(__file__).resolve().parents[1]  # the scaffolder package
    for candidate in (package / "_data" / "templates", package.parent / "templates"):
        if (candidate / "copier.yml").is_file():
            return candidate
    raise MissingToolError(
        "The scaffold template is missing from this installation.",
        hint="Reinstall scaffold-prod (pip install --force-reinstall scaffold-prod).",
    )


def literal_patterns(paths: Sequence[str]) -> list[str]:
    """Copier (gitwildmatch) patterns that match exactly these repo-relative paths."""
    return ["/" + re.sub(r"([*?\[\]\\])", r"\\\1", p) for p in paths]


@contextmanager
def _copier_session() -> Iterator[None]:
    """Run Copier with git isolated from the user's config, and its warnings quiet."""
    from plumbum import local

    with local.env(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key in [k for k in local.env.getdict() if k.startswith("GIT_")]:
            del local.env[key]
        local.env.update(**isolated_env())
        yield


def _translate(exc: Exception) -> InputError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return InputError(
        f"Rendering the scaffold template failed: {first}",
        hint="This is a bug in scaffold's template; re-run with --debug and report it.",
    )


def copy(
    template_repo: Path,
    ref: str,
    dst: Path,
    data: dict[str, Any],
) -> None:
    """Render the template at `ref` into `dst` (the engine renders into empty folders)."""
    import copier
    from jinja2 import TemplateError

    try:
        with _copier_session():
            copier.run_copy(
                str(template_repo),
                dst,
                data=data,
                vcs_ref=ref,
                answers_file=ANSWERS_FILE,
                settings=copier.Settings(),
                defaults=True,
                overwrite=True,
                quiet=True,
                cleanup_on_error=False,
            )
    except (copier.errors.CopierError, TemplateError, ValueError, TypeError) as exc:
        raise _translate(exc) from exc


def update(
    template_repo: Path,
    ref: str,
    dst: Path,
    data: dict[str, Any],
    *,
    old_data: dict[str, Any],
    skip_if_exists: Sequence[str] = (),
) -> None:
    """Three-way update of `dst` (a clean git repo) from its last template version to `ref`.

    `old_data` is what the last render used besides the stored answers (`ctx`,
    `scaffold_version`); Copier reads it from the answers file to render the old
    side, and rewrites that file without it.
    """
    import copier
    from jinja2 import TemplateError

    _prepare_answers(dst, template_repo, old_data)
    try:
        with _copier_session():
            copier.run_update(
                dst,
                data=data,
                vcs_ref=ref,
                answers_file=ANSWERS_FILE,
                settings=copier.Settings(),
                defaults=True,
                overwrite=True,
                quiet=True,
                conflict="inline",
                skip_if_exists=literal_patterns(skip_if_exists),
                skip_answered=True,
            )
    except (copier.errors.CopierError, TemplateError, ValueError, TypeError) as exc:
        raise _translate(exc) from exc


def _prepare_answers(dst: Path, template_repo: Path, old_data: dict[str, Any]) -> None:
    """Point the staged answers file at `template_repo` and add the old computed data."""
    from ruamel.yaml import YAML

    path = dst / ANSWERS_FILE
    answers = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(answers, dict):
        raise InputError(f"{ANSWERS_FILE} is not a mapping.", hint="Restore it with git.")
    answers["_src_path"] = str(template_repo)
    answers.update(old_data)
    # JSON is YAML; Copier rewrites this file in its own format after the update.
    path.write_text(json.dumps(answers, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    # Copier refuses a dirty destination; the caller diffs against its own baseline ref.
    git(dst, "add", "-f", ANSWERS_FILE)
    git(dst, "commit", "-q", "--no-verify", "-m", "scaffold: answers for the update")


def finalize_answers(dst: Path) -> None:
    """Replace the temporary template location Copier recorded by the stable one."""
    path = dst / ANSWERS_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(_SRC_LINE.sub(f"_src_path: {STABLE_SRC}", text), encoding="utf-8")


def read_answers(root: Path) -> dict[str, Any] | None:
    """The stored answers of a project, or None when it was never initialised."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    path = root / ANSWERS_FILE
    if not path.is_file():
        return None
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{ANSWERS_FILE} is not valid YAML.", hint="Fix it, or restore it with git."
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"{ANSWERS_FILE} is not a mapping.", hint="Restore it with git.")
    return data
