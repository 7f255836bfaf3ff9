"""The answers of `scaffold init`: pre-filled from the repository, overridden by
--data, optionally asked on a terminal, remembered in .scaffold/answers.yml."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from scaffolder.errors import InputError, UsageError
from scaffolder.init.records import ANSWER_KEYS, InitAnswers
from scaffolder.models import RepoFacts


@dataclass(frozen=True)
class Question:
    key: str
    help: str
    default: Any


# Asks one question and returns the raw answer (the CLI prompts on a terminal).
Ask = Callable[[Question], Any]

HELP = {
    "project_name": "Project name (a slug used to name stacks and AWS resources)",
    "aws_region": "AWS region to deploy to",
    "environments": "Environments to create (comma separated: dev, staging, prod)",
    "alarm_email": "Email address for staging and prod alarms (empty for none)",
    "github_repository": 'GitHub repository allowed to deploy, "owner/name" (empty for none)',
}


def slugify(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)[:48].rstrip("-")
    return slug or "app"


# Names AI builders and starters leave in package.json: the folder name says more.
_GENERIC_NAME = re.compile(
    r"(starter|template|boilerplate|shadcn|^my-|^vite[-_]|^create-|^next-?app$|^react-app$|^app$)"
)


def project_name_from(facts: RepoFacts) -> str:
    """The root app's manifest name, unless it is a starter's generic one; else the folder."""
    root_app = next((a for a in facts.apps if a.root == "."), None)
    if root_app is not None and not _GENERIC_NAME.search(root_app.name.lower()):
        return slugify(root_app.name)
    return slugify(facts.name)


def defaults_from(facts: RepoFacts) -> dict[str, Any]:
    """What the repository suggests: its name and its GitHub origin."""
    return {
        "project_name": project_name_from(facts),
        "aws_region": "us-east-1",
        "environments": ["dev", "staging", "prod"],
        "alarm_email": "",
        "github_repository": facts.git_remote or "",
    }


def parse_data(items: list[str]) -> dict[str, Any]:
    """`--data KEY=VALUE` options into answers (environments: "dev,prod" or a YAML list)."""
    data: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in ANSWER_KEYS:
            raise UsageError(
                f"--data '{item}' is not KEY=VALUE with a known key.",
                hint=f"Known keys: {', '.join(ANSWER_KEYS)}.",
            )
        data[key] = _parse_value(key, value.strip())
    return data


def _parse_value(key: str, value: str) -> Any:
    if key != "environments":
        return value
    if value.startswith("["):
        try:
            parsed = YAML(typ="safe").load(value)
        except YAMLError as exc:
            raise UsageError(f"--data environments={value} is not a YAML list.") from exc
        return parsed
    return [part.strip() for part in value.split(",") if part.strip()]


def resolve_answers(
    facts: RepoFacts,
    previous: dict[str, Any] | None,
    data: dict[str, Any],
    ask: Ask | None = None,
) -> InitAnswers:
    """Merge, by priority: --data, the stored answers, then the repository's defaults.

    With `ask`, questions that neither --data nor a stored answer settles are
    asked, pre-filled with the default.
    """
    merged = defaults_from(facts)
    stored = {k: v for k, v in (previous or {}).items() if k in ANSWER_KEYS}
    if not stored.get("github_repository") and facts.git_remote:
        # An empty stored answer means "no remote yet", not "never deploy from CI":
        # the GitHub remote added since then gets its deploy roles on this run.
        stored.pop("github_repository", None)
    merged.update(stored)
    merged.update(data)
    if ask is not None:
        for key in ANSWER_KEYS:
            if key not in data and key not in stored:
                answer = ask(Question(key, HELP[key], merged[key]))
                merged[key] = _parse_value(key, answer) if isinstance(answer, str) else answer
    try:
        return InitAnswers.model_validate(merged)
    except ValidationError as exc:
        problem = exc.errors()[0]
        key = ".".join(str(p) for p in problem["loc"]) or "answers"
        source = "--data" if key.split(".")[0] in data else "the stored answers"
        error = UsageError if source == "--data" else InputError
        raise error(
            f"Answer '{key}' is invalid: {problem['msg']}.",
            hint=f"Pass a valid value with --data {key.split('.')[0]}=VALUE.",
        ) from exc
