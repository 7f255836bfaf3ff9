"""The base of the pydantic models: documents scaffold reads from users and AWS.

Environment settings from infra/Pulumi.<env>.yaml, init's answers and stored context,
stack outputs and releases are validated on the way in: unknown fields are errors.
The audit's models are dataclasses instead (scaffolder/models/record.py); this module,
and pydantic, are imported only by the commands that read such documents.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    # defer_build: a model's validator is built when it is first used, not at import;
    # a command uses a few of these models, and building all ~50 costs ~30 ms a run.
    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)
