"""Every fixture prototype, inspected, matches its expectations file."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import pytest

from scaffolder.models import RepoFacts
from tests.support.prototypes import fixture_names, load_expectations

NAMES = [n for n in fixture_names() if load_expectations(n)]
SECRETS_READY = importlib.util.find_spec("scaffolder.inspect.secrets") is not None
LIST_AS_SET = {"clients"}


def _compare(label: str, actual: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for key, wanted in expected.items():
        got, want = actual.get(key), wanted
        if key == "debug_mode":  # expectations name the files
            got = sorted({e["path"] for e in got or []})
        if key in LIST_AS_SET and isinstance(want, list):
            got, want = sorted(got or []), sorted(want)
        if got != want:
            problems.append(f"{label}.{key}: expected {want!r}, got {got!r}")
    return problems


def _apps(facts: RepoFacts, expected: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    actual = [a.model_dump(mode="json") for a in facts.apps]
    if len(actual) != len(expected):
        problems.append(
            f"apps: expected {len(expected)}, got {[(a['root'], a['kind']) for a in actual]}"
        )
    for want in expected:
        match = [a for a in actual if a["root"] == want["root"] and a["kind"] == want["kind"]]
        if not match:
            seen = [(a["root"], a["kind"]) for a in actual]
            problems.append(f"app {want['root']} {want['kind']} missing: {seen}")
            continue
        problems += _compare(f"app[{want['root']}]", match[0], want)
    return problems


def _keyed(
    name: str, actual: list[dict[str, Any]], expected: list[dict[str, Any]], keys: tuple[str, ...]
) -> list[str]:
    problems: list[str] = []
    if len(actual) != len(expected):
        problems.append(
            f"{name}: expected {len(expected)}, got {[tuple(a[k] for k in keys) for a in actual]}"
        )
    for want in expected:
        match = [a for a in actual if all(a[k] == want[k] for k in keys)]
        if not match:
            problems.append(f"{name} {[want[k] for k in keys]} missing")
            continue
        problems += _compare(f"{name}[{want[keys[0]]}]", match[0], want)
    return problems


def _env_vars(facts: RepoFacts, expected: list[dict[str, Any]]) -> list[str]:
    actual = {e.name: e.model_dump(mode="json") for e in facts.env_vars}
    problems: list[str] = []
    for want in expected:
        if want["name"] not in actual:
            problems.append(f"env var {want['name']} missing; found {sorted(actual)}")
            continue
        problems += _compare(f"env[{want['name']}]", actual[want["name"]], want)
    return problems


def _production(facts: RepoFacts, expected: dict[str, Any]) -> list[str]:
    prod = facts.production
    problems: list[str] = []
    if "dockerfiles" in expected:
        got = sorted((d.path, d.production_grade) for d in prod.dockerfiles)
        want = sorted((d["path"], d["production_grade"]) for d in expected["dockerfiles"])
        if got != want:
            problems.append(
                f"dockerfiles: expected {want}, got {got} {[d.problems for d in prod.dockerfiles]}"
            )
    if "workflows" in expected:
        got = sorted((w.path, w.runs_tests) for w in prod.workflows)
        want = sorted((w["path"], w["runs_tests"]) for w in expected["workflows"])
        if got != want:
            problems.append(f"workflows: expected {want}, got {got}")
    if "health_endpoints" in expected:
        got = sorted({e.path for e in prod.health_endpoints})
        if got != sorted(expected["health_endpoints"]):
            problems.append(f"health endpoints: expected {expected['health_endpoints']}, got {got}")
    if "test_files" in expected and prod.test_files != expected["test_files"]:
        problems.append(f"test_files: expected {expected['test_files']}, got {prod.test_files}")
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_expectations(name: str, fixture_facts: Callable[[str], RepoFacts]) -> None:
    expected = load_expectations(name)
    facts = fixture_facts(name)
    problems = _apps(facts, expected.get("apps", []))
    dump = facts.model_dump(mode="json")
    problems += _keyed(
        "database", dump["databases"], expected.get("databases", []), ("kind", "host")
    )
    problems += _keyed("migration", dump["migrations"], expected.get("migrations", []), ("tool",))
    if "auth" in expected:
        got = sorted(a.kind.value for a in facts.auth)
        if got != sorted(expected["auth"]["kinds"]):
            problems.append(f"auth: expected {expected['auth']['kinds']}, got {got}")
    problems += _env_vars(facts, expected.get("env_vars", []))
    problems += _production(facts, expected.get("production", {}))
    repo = expected.get("repo", {})
    if (
        "node_modules_committed" in repo
        and facts.node_modules_committed != repo["node_modules_committed"]
    ):
        problems.append(f"node_modules_committed: got {facts.node_modules_committed}")
    if SECRETS_READY and "committed_env_files" in repo:  # noqa: SIM102
        if sorted(facts.committed_env_files) != sorted(repo["committed_env_files"]):
            problems.append(f"committed_env_files: got {facts.committed_env_files}")
    assert facts.is_git and facts.head_commit
    assert not problems, "\n".join(problems)
