"""Continuous integration: GitHub workflows (do they test? deploy?) and other CI systems."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from scaffolder.inspect.files import SourceFile
from scaffolder.inspect.index import line_of
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.inspect.nesting import nesting_guard
from scaffolder.models import Evidence, ScanWarning, WarningKind, WorkflowFacts

OTHER_CI = (
    ".gitlab-ci.yml",
    ".circleci/config.yml",
    "Jenkinsfile",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    ".travis.yml",
    "cloudbuild.yaml",
    ".buildkite/pipeline.yml",
    ".drone.yml",
)
_TEST_RUN = lazy_regex(
    r"\b(?:(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test(?::\w+)?\b|pytest\b|vitest\b|jest\b"
    r"|manage\.py\s+test\b|playwright\s+test\b|go\s+test\b|cargo\s+test\b|tox\b|nox\b)"
)
_DEPLOY_RUN = lazy_regex(
    r"\b(?:vercel\b.*(?:deploy|--prod)|netlify\s+deploy|fly(?:ctl)?\s+deploy|railway\s+up"
    r"|docker\s+push|aws\s+s3\s+sync|aws\s+ecs\s+update-service|pulumi\s+up|terraform\s+apply"
    r"|supabase\s+(?:db\s+push|functions\s+deploy)|firebase\s+deploy|wrangler\s+(?:deploy|publish)"
    r"|gh-pages\b|scaffold\s+up\b)"
)
_DEPLOY_USES = lazy_regex(
    r"vercel|netlify|flyctl|deploy|gh-pages|pages-deploy|pulumi/actions|wrangler|ssh-action"
    r"|amazon-ecs|aws-actions/amazon-ecr",
    re.I,
)


def _steps(data: Any) -> Iterator[dict[str, Any]]:
    jobs = data.get("jobs") if isinstance(data, dict) else None
    if not isinstance(jobs, dict):
        return
    for job in jobs.values():
        steps = job.get("steps") if isinstance(job, dict) else None
        for step in steps if isinstance(steps, list) else []:
            if isinstance(step, dict):
                yield step


def _line(source: SourceFile, needle: str) -> int | None:
    offset = source.text.find(needle.strip().splitlines()[0]) if needle.strip() else -1
    return line_of(source.text, offset) if offset >= 0 else None


def _from_text(source: SourceFile) -> WorkflowFacts:
    tests = _TEST_RUN.search(source.text)
    deploys = _DEPLOY_RUN.search(source.text)
    proof = [
        Evidence(path=source.path, line=line_of(source.text, m.start()))
        for m in (tests, deploys)
        if m
    ]
    return WorkflowFacts(
        path=source.path, runs_tests=tests is not None, deploys=deploys is not None, evidence=proof
    )


@lru_cache(maxsize=64)
def _parsed(path: str, text: str) -> tuple[Any, str | None]:
    """The YAML document in `text`, or why it does not parse, read once per content.

    A workflow is read by several checks (what it runs, what triggers it, whether it
    parses). libyaml reads it when it can give what ruamel.yaml would (inspect/yaml12.py:
    ~1 ms where ruamel's pure-Python reader takes ~10 to 30 ms); ruamel.yaml reads the
    rest and words every parse error. Callers only read the document. A RecursionError
    is not kept: nesting_guard raises it as an InputError on every call.
    """
    from scaffolder.inspect.yaml12 import Unparsable, read  # here: most have no workflow

    try:
        with nesting_guard(path):
            return read(text), None
    except Unparsable as exc:
        return None, f"could not parse YAML: {str(exc)[:200]}"


def inspect_workflow(source: SourceFile) -> tuple[WorkflowFacts, list[ScanWarning]]:
    data, message = _parsed(source.path, source.text)
    if message is not None:
        warning = ScanWarning(kind=WarningKind.MALFORMED, path=source.path, message=message)
        return _from_text(source), [warning]
    facts = WorkflowFacts(path=source.path, runs_tests=False)
    for step in _steps(data):
        run, uses = step.get("run"), step.get("uses")
        if isinstance(run, str) and (match := _TEST_RUN.search(run)):
            facts.runs_tests = True
            facts.evidence.append(
                Evidence(
                    path=source.path,
                    line=_line(source, run[match.start() :]),
                    snippet=match.group(0),
                )
            )
        if (isinstance(run, str) and _DEPLOY_RUN.search(run)) or (
            isinstance(uses, str) and _DEPLOY_USES.search(uses)
        ):
            facts.deploys = True
            needle = uses if isinstance(uses, str) else str(run)
            facts.evidence.append(Evidence(path=source.path, line=_line(source, needle)))
    return facts, []


# Triggers that never run on a change: a cron job or a button is not a check.
_NOT_CHANGE_TRIGGERS = frozenset({"schedule", "workflow_dispatch", "repository_dispatch"})


def scheduled_only(source: SourceFile) -> bool:
    """True for a workflow no push or pull request triggers (a data-collector cron job)."""
    data, _ = _parsed(source.path, source.text)
    if not isinstance(data, dict):  # None too: it does not parse
        return False
    # YAML 1.1 readers turn the `on` key into True.
    triggers = data.get("on", data.get(True))
    if isinstance(triggers, str):
        names = {triggers}
    elif isinstance(triggers, (list, dict)):
        names = {str(t) for t in triggers}
    else:
        return False
    return bool(names) and names <= _NOT_CHANGE_TRIGGERS


def yaml_problem(source: SourceFile) -> ScanWarning | None:
    """A MALFORMED warning when a YAML file we rely on does not parse."""
    _, message = _parsed(source.path, source.text)
    if message is not None:
        return ScanWarning(kind=WarningKind.MALFORMED, path=source.path, message=message)
    return None
