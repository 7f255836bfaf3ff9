"""Test commands that fail today, known without running them: the runner finds no test.

jest (react-scripts and craco run it too) and vitest exit 1 when no file matches their
default patterns, and pytest exits 5 when it collects nothing. A prototype with a `test`
script and no test file is common (a template's leftover), and CI's test step would be
red on the first push, so nothing would ever deploy. The audit reports it (OPS009, with
the command and the line the runner prints), and init's CI keeps that step visible but
not blocking until the repository variable TESTS_BLOCKING is "true" (docs/init.md,
"Tests that fail today"). Anything uncertain (a custom test pattern or config) predicts
nothing: a step that may pass stays blocking.
"""

from __future__ import annotations

from collections.abc import Iterable

from scaffolder.inspect.index import RepoIndex, basename, suffix, under
from scaffolder.inspect.lazy_regex import lazy_regex
from scaffolder.models import AppFacts, Language

# The lines each runner prints when it finds no test (its first error line in CI).
JEST_NONE = "No tests found, exiting with code 1"
VITEST_NONE = "No test files found, exiting with code 1"
PYTEST_NONE = "no tests ran (pytest exits 5 when it collects nothing)"

_JEST = lazy_regex(r"(?:^|[\s&;|])(?:npx\s+)?(?:jest|react-scripts\s+test|craco\s+test)\b")
_VITEST = lazy_regex(r"(?:^|[\s&;|])(?:npx\s+)?vitest\b")
# Their default patterns: *.test.* / *.spec.* and __tests__/ (jest), *.test.* / *.spec.* (vitest).
_JS_TEST = lazy_regex(r"\.(?:test|spec)\.[cm]?[jt]sx?$")
_JS_SUFFIXES = (".js", ".jsx", ".ts", ".tsx", ".cjs", ".mjs", ".cts", ".mts")
_PY_TEST = lazy_regex(r"^(?:test_\w*|\w+_test)\.py$")
# Config that may change what the runner collects: then nothing is predicted.
_JEST_CONFIG = lazy_regex(r"^jest\.config\.[cm]?[jt]s(?:on)?$")
_VITEST_CONFIG = lazy_regex(r"^(?:vitest|vite)\.(?:config|workspace)\.[cm]?[jt]s$")
_PYTEST_CONFIG = {
    "pytest.ini": "",
    "conftest.py": "",
    "pyproject.toml": "[tool.pytest",
    "setup.cfg": "[tool:pytest]",
    "tox.ini": "[pytest]",
}


def _files(index: RepoIndex, root: str) -> Iterable[str]:
    return (p for p in index.paths if under(p, root) and "node_modules/" not in p)


def _js_failure(script: str, paths: list[str], index: RepoIndex, jest_key: bool) -> str | None:
    if "passWithNoTests" in script or "--dir" in script or "--testMatch" in script:
        return None
    names = [basename(p) for p in paths]
    if _JEST.search(script):
        if jest_key or any(_JEST_CONFIG.match(n) for n in names):
            return None
        tests = [
            p
            for p in paths
            if _JS_TEST.search(p) or ("/__tests__/" in f"/{p}" and suffix(p) in _JS_SUFFIXES)
        ]
        return JEST_NONE if not tests else None
    if _VITEST.search(script):
        configs = [p for p in paths if _VITEST_CONFIG.match(basename(p))]
        if any("include" in (index.text(p) or "include") for p in configs):
            return None
        return VITEST_NONE if not any(_JS_TEST.search(p) for p in paths) else None
    return None


def _py_failure(paths: list[str], index: RepoIndex) -> str | None:
    for path in paths:
        marker = _PYTEST_CONFIG.get(basename(path))
        if marker is not None and marker in (index.text(path) or marker):
            return None  # a config may name other files (python_files) or add plugins
    return PYTEST_NONE if not any(_PY_TEST.match(basename(p)) for p in paths) else None


def predict_test_failures(apps: list[AppFacts], index: RepoIndex) -> None:
    """Set each app's `test_failure` when its test command cannot pass today."""
    for app in apps:
        if not app.test_command:
            continue
        paths = list(_files(index, app.root))
        if app.language is Language.NODE:
            pkg = index.manifests.packages.get(app.root)
            if pkg is None:
                continue
            script = pkg.scripts.get("test", "")
            app.test_failure = _js_failure(script, paths, index, "jest" in pkg.data)
        elif app.test_command == "pytest":
            app.test_failure = _py_failure(paths, index)
