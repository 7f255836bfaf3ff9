"""The base of every model: unknown fields are errors, and where a fact was seen."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    # defer_build: a model's validator is built when it is first used, not at import;
    # a command uses a few of these models, and building all ~50 costs ~30 ms a run.
    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)


class Evidence(Model):
    """Where a fact was seen. `snippet` is never a secret value."""

    path: str
    line: int | None = None
    snippet: str | None = None
