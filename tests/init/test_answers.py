"""Answers: repository defaults, stored answers, --data, prompts, validation."""

from __future__ import annotations

import pytest

from scaffolder.errors import InputError, UsageError
from scaffolder.init.answers import Question, parse_data, resolve_answers, slugify
from scaffolder.models import AppFacts, AppKind, DeployShape, Language, RepoFacts

FACTS = RepoFacts(root="/x", name="My Cool_App", git_remote="acme/cool-app")


def test_defaults_come_from_the_repository() -> None:
    answers = resolve_answers(FACTS, None, {})
    assert answers.project_name == "my-cool-app"
    assert answers.github_repository == "acme/cool-app"
    assert answers.aws_region == "us-east-1"
    assert answers.environments == ["dev", "staging", "prod"]
    assert answers.alarm_email == ""


def test_data_beats_stored_answers_which_beat_defaults() -> None:
    stored = {"_commit": "0.1.0", "aws_region": "eu-west-1", "alarm_email": "a@b.co"}
    answers = resolve_answers(FACTS, stored, parse_data(["alarm_email=ops@shop.io"]))
    assert answers.aws_region == "eu-west-1"
    assert answers.alarm_email == "ops@shop.io"


@pytest.mark.parametrize("value", ["prod,dev", "[prod, dev]", "dev, prod, dev"])
def test_environments_accept_a_list_in_any_order(value: str) -> None:
    answers = resolve_answers(FACTS, None, parse_data([f"environments={value}"]))
    assert answers.environments == ["dev", "prod"]


@pytest.mark.parametrize(
    "item",
    [
        "region=us-east-1",
        "project_name",
        "aws_region=mars-1",
        "environments=qa",
        "github_repository=nope",
        "alarm_email=not-an-email",
        "project_name=9lives",
    ],
)
def test_bad_data_is_a_usage_error(item: str) -> None:
    with pytest.raises(UsageError):
        resolve_answers(FACTS, None, parse_data([item]))


def test_a_broken_stored_answer_is_an_input_error() -> None:
    with pytest.raises(InputError, match="aws_region"):
        resolve_answers(FACTS, {"aws_region": "nowhere"}, {})


def test_prompts_only_for_what_is_not_settled() -> None:
    asked: list[Question] = []

    def ask(question: Question) -> str:
        asked.append(question)
        return "eu-north-1" if question.key == "aws_region" else str(question.default)

    answers = resolve_answers(FACTS, {"alarm_email": ""}, {"project_name": "shop"}, ask)
    keys = [q.key for q in asked]
    assert keys == ["aws_region", "environments", "github_repository"]
    assert answers.aws_region == "eu-north-1"
    assert asked[2].default == "acme/cool-app"  # pre-filled from the origin remote


def test_slugify() -> None:
    assert slugify("  ACME Store!! ") == "acme-store"
    assert slugify("123") == "app"


@pytest.mark.parametrize(
    ("manifest_name", "expected"),
    [
        ("invoicer-api", "invoicer-api"),
        ("vite_react_shadcn_ts", "my-cool-app"),
        ("my-v0-project", "my-cool-app"),
        ("vite-react-typescript-starter", "my-cool-app"),
    ],
)
def test_project_name_prefers_a_real_manifest_name(manifest_name: str, expected: str) -> None:
    app = AppFacts(
        name=manifest_name,
        root=".",
        kind=AppKind.EXPRESS,
        language=Language.NODE,
        shape=DeployShape.SERVER,
    )
    facts = FACTS.model_copy(update={"apps": [app]})
    assert resolve_answers(facts, None, {}).project_name == expected
