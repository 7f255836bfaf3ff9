"""The CI steps `scaffold smoke --ci` ran, read back from `.scaffold/ci-run.json`.

Only running a test tells whether it passes (inspect/test_outcome.py predicts one case
statically: the runner finds no test). The record says, per app, which of the CI job's
steps passed at which commit. A failed test step becomes the app's `test_failure` (the
audit's OPS009; init's CI keeps the step non-blocking), a passed one clears the static
prediction unless the record is stale, and the audit reads failed installs and builds
from `RepoFacts.ci_run` (OPS010). A record made at a commit whose files differ from the
working tree's (outside `.scaffold/`: committed since, or not yet) is stale: a failure
still counts, and the audit says the record is stale.
"""

from __future__ import annotations

from pathlib import Path

from scaffolder.inspect.git import GitRunner
from scaffolder.inspect.index import RepoIndex
from scaffolder.models import (
    CI_RUN_FILE,
    AppFacts,
    RecordedCiRun,
    ScanWarning,
    WarningKind,
    parse_ci_run,
)


def _stale(commit: str | None, head: str | None, root: Path, git: GitRunner) -> bool:
    """True when the files outside .scaffold/ differ from the commit the record ran at:
    committed since, or changed in the working tree (the audit reads the working tree)."""
    if head is None:
        return False  # not git: nothing to compare with
    if commit is None:
        return True
    code, _ = git(["diff", "--quiet", commit, "--", ".", ":(exclude).scaffold"], root)
    return code != 0  # 1: files differ; anything else: the commit is unknown here


def read_ci_record(
    index: RepoIndex, head: str | None, root: Path, git: GitRunner
) -> tuple[RecordedCiRun | None, list[ScanWarning]]:
    text = index.text(CI_RUN_FILE)
    if text is None:
        return None, []
    try:
        record = parse_ci_run(text)
    except ValueError as exc:
        warning = ScanWarning(
            kind=WarningKind.MALFORMED,
            path=CI_RUN_FILE,
            message=f"not a `scaffold smoke --ci` record ({exc}); it does not count as evidence",
        )
        return None, [warning]
    stale = _stale(record.commit, head, root, git)
    return RecordedCiRun(path=CI_RUN_FILE, record=record, stale=stale, head=head), []


def apply_ci_record(apps: list[AppFacts], recorded: RecordedCiRun) -> None:
    """Each app's recorded test outcome, when it ran the app's current test command."""
    for app in apps:
        outcome = recorded.record.app(app.name)
        if outcome is None or outcome.root != app.root or not app.test_command:
            continue
        step = outcome.step("test")
        if step is None or step.command != app.test_command:
            continue
        if not step.passed:
            code = "timed out" if step.exit_code is None else f"exit {step.exit_code}"
            app.test_failure = step.first_error or code
        elif not recorded.stale:
            app.test_failure = None
