from __future__ import annotations

from functools import cache

from scaffolder.models import EnvironmentSpec
from scaffolder.provision.mockrun import ResourceGraph, run_environment


@cache
def _graph(spec_json: str) -> ResourceGraph:
    return run_environment(EnvironmentSpec.model_validate_json(spec_json))


def graph_for(spec: EnvironmentSpec) -> ResourceGraph:
    """Mock runs are cached per spec: each takes a noticeable fraction of a second."""
    return _graph(spec.model_dump_json()).model_copy(deep=True)
