"""What `scaffold init` records and returns: the answers, the stored context, the result."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from scaffolder.models import ENV_NAMES, EnvName, InitContext, Model

_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,47}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

ANSWER_KEYS = ("project_name", "aws_region", "environments", "alarm_email", "github_repository")


class InitAnswers(Model):
    """The questions of templates/copier.yml, validated."""

    project_name: str
    aws_region: str = "us-east-1"
    environments: list[EnvName] = Field(default_factory=lambda: list(ENV_NAMES))
    alarm_email: str = ""
    github_repository: str = ""

    @field_validator("project_name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("use lowercase letters, digits and dashes, starting with a letter")
        return value

    @field_validator("aws_region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION.match(value):
            raise ValueError("expected an AWS region such as us-east-1")
        return value

    @field_validator("environments")
    @classmethod
    def _envs(cls, value: list[EnvName]) -> list[EnvName]:
        if not value:
            raise ValueError("choose at least one of dev, staging, prod")
        return [env for env in ENV_NAMES if env in value]  # canonical order, no duplicates

    @field_validator("alarm_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not _EMAIL.match(value):
            raise ValueError("expected an email address, or empty for none")
        return value

    @field_validator("github_repository")
    @classmethod
    def _repo(cls, value: str) -> str:
        if value and not _REPO.match(value):
            raise ValueError('expected "owner/name", or empty for none')
        return value


class StoredContext(Model):
    """`.scaffold/context.json`: what the files were last rendered from (written by scaffold)."""

    scaffold_version: str
    ctx: dict[str, Any]
    # Paths the user had before scaffold rendered them: never written by scaffold.
    user_owned: list[str] = Field(default_factory=list)
    # Every path the template rendered last time (whether written or kept).
    generated: list[str] = Field(default_factory=list)


class InitResult(Model):
    """What one `scaffold init` run did (or, under --pretend, would do)."""

    mode: Literal["copy", "update"]
    pretend: bool = False
    template_version: str
    previous_template_version: str | None = None
    answers: InitAnswers
    context: InitContext
    created: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    deleted: list[str] = Field(default_factory=list)
    kept: dict[str, str] = Field(default_factory=dict)  # the user's files left alone, and why
    conflicts: list[str] = Field(default_factory=list)  # files left with inline markers
    warnings: list[str] = Field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)
