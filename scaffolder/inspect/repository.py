"""inspect_repository: repository -> RepoFacts (the package's docstring says what it promises)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from scaffolder.errors import ScaffoldError
from scaffolder.inspect.apps import detect_apps, slug
from scaffolder.inspect.auth import detect_auth
from scaffolder.inspect.ci_record import apply_ci_record, read_ci_record
from scaffolder.inspect.database import committed_database_files, detect_databases
from scaffolder.inspect.envvars import detect_env_vars
from scaffolder.inspect.extras import attach_app_facts, debug_modes, environments
from scaffolder.inspect.files import LargeFile
from scaffolder.inspect.git import (
    GitRunner,
    committed_dirs_named,
    run_git,
)
from scaffolder.inspect.index import RepoIndex
from scaffolder.inspect.manifests import parse_manifests
from scaffolder.inspect.migrations import detect_migrations
from scaffolder.inspect.opening import History, Opening, open_inspection
from scaffolder.inspect.production import detect_production
from scaffolder.inspect.routes import attach_routes
from scaffolder.inspect.test_outcome import predict_test_failures
from scaffolder.inspect.walk import Reader, walk_repository
from scaffolder.inspect.workflow_audit import Audit
from scaffolder.models import LockfileDrift, RepoFacts, ScanWarning, WarningKind

__all__ = ["inspect_repository"]

T = TypeVar("T")


def _guarded(warnings: list[ScanWarning], stage: str, run: Callable[[], T], fallback: T) -> T:
    # A detector tripping over odd content must not cost the user the whole report.
    try:
        return run()
    except ScaffoldError:
        raise  # a file the user must fix (nested too deeply), not a detector's stumble
    except Exception as exc:
        warnings.append(
            ScanWarning(
                kind=WarningKind.MALFORMED,
                path=None,
                message=f"{stage} detection stopped early ({type(exc).__name__}: {exc})",
            )
        )
        return fallback


def _secrets(facts: RepoFacts, index: RepoIndex) -> None:
    from scaffolder.inspect.env_files import find_committed_env_files
    from scaffolder.inspect.secrets import scan_tree_secrets

    warnings = facts.warnings
    facts.secrets = _guarded(warnings, "secret", lambda: scan_tree_secrets(index.files), [])
    facts.committed_env_files = _guarded(
        warnings, "env file", lambda: find_committed_env_files(index.tracked, index.paths), []
    )


def _large_file_secrets(facts: RepoFacts, root: Path, large: list[LargeFile]) -> None:
    from scaffolder.inspect.large_files import scan_large_files

    streamed = scan_large_files(root, large)
    facts.secrets = sorted(
        [*facts.secrets, *streamed.secrets], key=lambda f: (f.path, f.line or 0, f.detector)
    )
    facts.bytes_scanned += streamed.bytes_read
    facts.warnings.extend(streamed.warnings)


def _supabase(facts: RepoFacts, index: RepoIndex) -> None:
    from scaffolder.inspect.supabase import inspect_supabase

    facts.supabase, problems = inspect_supabase(index.files)
    facts.warnings.extend(problems)


def _lockfiles_and_workflows(
    facts: RepoFacts, index: RepoIndex, root: Path, workflows: Callable[[], Audit]
) -> None:
    from scaffolder.inspect.lockfiles import detect_lockfile_drift

    w = facts.warnings
    no_drift: tuple[list[LockfileDrift], list[ScanWarning]] = ([], [])
    drift, problems = _guarded(w, "lockfile", lambda: detect_lockfile_drift(index, root), no_drift)
    facts.lockfile_drift = drift
    w.extend(problems)
    no_weakness: Audit = ([], [])
    facts.workflow_weaknesses, problems = _guarded(w, "workflow", workflows, no_weakness)
    w.extend(problems)


def _history(facts: RepoFacts, history: History) -> None:
    seen = {s.fingerprint for s in facts.secrets}
    found, problems = history.result()
    facts.secrets.extend(f for f in found if f.fingerprint not in seen)
    facts.warnings.extend(problems)


def _detect(facts: RepoFacts, index: RepoIndex) -> None:
    w = facts.warnings
    facts.apps = _guarded(w, "app", lambda: detect_apps(index, facts.name), [])
    facts.env_vars = _guarded(w, "env var", lambda: detect_env_vars(index, facts.apps), [])
    db_files = committed_database_files(index.tracked, index.paths, index.is_git)
    facts.databases = _guarded(
        w, "database", lambda: detect_databases(index, facts.env_vars, db_files), []
    )
    facts.migrations = _guarded(w, "migration", lambda: detect_migrations(index, facts.apps), [])
    facts.auth = _guarded(w, "auth", lambda: detect_auth(index), [])
    none: list[ScanWarning] = []
    production, problems = _guarded(
        w, "production", lambda: detect_production(index), (facts.production, none)
    )
    facts.production = production
    w.extend(problems)
    _guarded(w, "app detail", lambda: attach_app_facts(facts.apps, production, index), None)
    _guarded(w, "debug mode", lambda: debug_modes(facts.apps, index), None)
    _guarded(w, "routes", lambda: attach_routes(facts.apps, index), None)
    _guarded(w, "test outcome", lambda: predict_test_failures(facts.apps, index), None)
    facts.production.environments = _guarded(w, "environment", lambda: environments(index), [])


def _ci_record(facts: RepoFacts, index: RepoIndex, git_runner: GitRunner) -> None:
    """What `scaffold smoke --ci` recorded: after the static test prediction, which it
    overrides for the steps it ran."""
    recorded, problems = read_ci_record(index, facts.head_commit, Path(facts.root), git_runner)
    facts.warnings.extend(problems)
    if recorded is not None:
        facts.ci_run = recorded
        apply_ci_record(facts.apps, recorded)


def inspect_repository(
    root: Path,
    *,
    scan_history: bool = True,
    max_file_bytes: int = 1_000_000,
    git_runner: GitRunner = run_git,
    reader: Reader | None = None,
    opened: Opening | None = None,
) -> RepoFacts:
    """Inspect the repository at `root`; problems with its content become warnings.

    `opened` is the inspection's first steps when the caller already took them
    (inspect/opening.py); `root`, `scan_history` and `git_runner` then went into them.
    """
    if opened is None:
        opened = open_inspection(root, scan_history=scan_history, git_runner=git_runner)
    try:
        return _inspect(opened, max_file_bytes, reader, git_runner)
    finally:
        opened.cancel()


def _inspect(
    opened: Opening, max_file_bytes: int, reader: Reader | None, git_runner: GitRunner
) -> RepoFacts:
    root, git, history = opened.root, opened.git, opened.history
    walked = (
        walk_repository(root, max_file_bytes=max_file_bytes, tracked=git.tracked, reader=reader)
        if reader is not None
        else walk_repository(root, max_file_bytes=max_file_bytes, tracked=git.tracked)
    )
    name = slug(git.remote.split("/", 1)[1] if git.remote else os.path.basename(root))
    facts = RepoFacts(
        root=str(root),
        name=name,
        is_git=git.is_git,
        git_remote=git.remote,
        head_commit=git.head_commit,
        files_scanned=len(walked.paths),
        bytes_scanned=walked.bytes_read,
        warnings=[*git.warnings, *walked.warnings],
        node_modules_committed=committed_dirs_named(git.tracked, "node_modules"),
    )
    if not walked.paths:
        facts.warnings.append(
            ScanWarning(kind=WarningKind.EMPTY, path=None, message="the folder holds no files")
        )
    workflows = opened.workflows.for_walk(walked.paths)  # zizmor runs meanwhile
    manifests = parse_manifests(walked.files)
    facts.warnings.extend(manifests.warnings)
    index = RepoIndex(walked.files, walked.paths, manifests, git.tracked, git.is_git)
    _detect(facts, index)
    _guarded(facts.warnings, "CI record", lambda: _ci_record(facts, index, git_runner), None)
    _guarded(facts.warnings, "secret", lambda: _secrets(facts, index), None)
    if walked.large_files:
        large = walked.large_files
        _guarded(facts.warnings, "secret", lambda: _large_file_secrets(facts, root, large), None)
    _guarded(facts.warnings, "supabase", lambda: _supabase(facts, index), None)
    _lockfiles_and_workflows(facts, index, root, workflows)
    if history is not None:
        _guarded(facts.warnings, "history", lambda: _history(facts, history), None)
    return facts
