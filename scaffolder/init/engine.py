"""`scaffold init` as an API: inspect, decide, render in a staging copy, apply in one step.

    run_init(root, options, deps) -> InitResult

Stages, each followed by `deps.checkpoint(<stage>)` so tests can stop a run
anywhere: "inspected", "staged", "rendered", then inside the transaction
"prepared <path>" per file backed up, "journaled" once the journal is on disk,
and "applied <path>" after each file written. Nothing touches the repository
before the apply stage, and the apply stage restores it exactly when it fails
(or the next run does, when this one was killed: transaction.py).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder import __version__
from scaffolder.errors import GitStateError, InputError
from scaffolder.init import links, staging
from scaffolder.init.answers import Ask, resolve_answers
from scaffolder.init.context import build_context
from scaffolder.init.git import is_work_tree, status_lines
from scaffolder.init.gitignore import add_lines
from scaffolder.init.journal import JOURNAL_DIR, JOURNAL_FILE, pending
from scaffolder.init.notices import context_warnings, init_warnings
from scaffolder.init.outputs import (
    CONTEXT_FILE,
    copy_outputs,
    keep_edited_drops,
    previous_outputs,
    read_stored,
    render_outputs,
    user_owned,
    write_state,
)
from scaffolder.init.records import InitAnswers, InitResult, StoredContext
from scaffolder.init.template_decisions import with_template_decisions
from scaffolder.init.template_history import TemplateHistory
from scaffolder.init.transaction import Checkpoint, apply_changes, recover
from scaffolder.init.wire_health import with_health_wiring, write_health_wiring
from scaffolder.models import InitContext, RepoFacts

BUNDLE_FILE = ".scaffold/template.bundle"
# Every path of scaffold's own that a run reads or writes (links.py checks them first).
STATE_FILES = (".scaffold/answers.yml", CONTEXT_FILE, BUNDLE_FILE)
OWN_FILES = (
    *STATE_FILES,
    ".gitignore",
    f"{JOURNAL_DIR}/{JOURNAL_FILE}",
)
NOT_GIT_WARNING = (
    "{root} is not a git repository, so its changes cannot be told from yours; "
    "run `git init` and commit first to review them with `git diff`."
)


@dataclass(frozen=True)
class InitOptions:
    data: dict[str, Any] = field(default_factory=dict)  # parsed --data
    pretend: bool = False
    allow_dirty: bool = False


def _no_checkpoint(_stage: str) -> None:
    return None


@dataclass(frozen=True)
class InitDeps:
    """What `run_init` needs from the outside world; tests replace any of it."""

    inspect: Callable[[Path], RepoFacts]
    template: Path | None = None  # default: the packaged template
    version: str = __version__  # the template version this tool ships
    ask: Ask | None = None  # None: never prompt
    checkpoint: Checkpoint = _no_checkpoint


def run_init(root: Path, options: InitOptions, deps: InitDeps) -> InitResult:
    """Render (first run) or update (later runs) the generated files of `root`."""
    from scaffolder.init import render

    root = root.resolve()
    if not root.is_dir():
        raise InputError(f"{root} is not a folder.", hint="Pass the path of your repository.")
    links.check_paths(root, OWN_FILES)  # before reading any of them
    warnings = _recover(root, options.pretend)
    is_git = _check_git(root, options.allow_dirty)
    warnings += [] if is_git else [NOT_GIT_WARNING.format(root=root)]
    facts = deps.inspect(root)
    previous = render.read_answers(root)
    stored = read_stored(root) if previous is not None else None
    answers = resolve_answers(facts, previous, options.data, deps.ask)
    warnings += init_warnings(answers, deps.version)
    old_ctx = InitContext.model_validate(stored.ctx) if stored else None
    deps.checkpoint("inspected")

    with tempfile.TemporaryDirectory(prefix="scaffold-init-") as work_name:
        work = Path(work_name)
        history, tag, old_ref = _open_history(root, work, deps, previous)
        if old_ref is not None and stored is None:
            # .scaffold/context.json was lost: the old side is rendered with today's context.
            fresh = build_context(facts, answers)
            stored = StoredContext(scaffold_version=deps.version, ctx=fresh.model_dump(mode="json"))
        generated = previous_outputs(history.repo, old_ref, work / "old", previous, stored)
        context = build_context(facts, answers, generated=generated, previous=old_ctx)
        old_apps = old_ctx.apps if old_ctx else []
        context.apps = with_health_wiring(root, context.apps, old_apps)
        warnings += context_warnings(context)
        data = _data(answers, context, deps.version)
        outputs = render_outputs(history.repo, tag, work / "new", data)
        stage = work / "stage"
        baseline, kept = _stage(
            root, stage, is_git=is_git, outputs=outputs, generated=generated, stored=stored
        )
        deps.checkpoint("staged")

        if old_ref is None:
            # A first render is the fresh render minus the user's files: no second Copier run.
            copy_outputs(work / "new", stage, kept)
        else:
            old_data = _old_data(stored, data)
            render.update(
                history.repo, tag, stage, data, old_data=old_data, skip_if_exists=sorted(kept)
            )
            kept.update(
                keep_edited_drops(
                    history.repo,
                    old_ref,
                    dest=work / "dropped",
                    previous=previous,
                    stored=stored,
                    stage=stage,
                    baseline=baseline,
                )
            )
        render.finalize_answers(stage)
        write_health_wiring(stage, context.apps, old_apps)
        write_state(stage, context, deps.version, kept, sorted(outputs))
        add_lines(stage / ".gitignore", context.gitignore_additions)
        if history.changed or not (stage / BUNDLE_FILE).is_file():
            history.write_bundle(stage / BUNDLE_FILE)
        deps.checkpoint("rendered")

        changes = staging.stage_changes(stage)
        result = _result(
            old_ref=old_ref,
            tag=tag,
            options=options,
            answers=answers,
            context=context,
            changes=changes,
            kept=kept,
            warnings=warnings,
        )
        result.conflicts = staging.conflicted(stage, changes)
        if not options.pretend:
            apply_changes(root, stage, changes, deps.checkpoint)
    return result


def _stage(
    root: Path,
    stage: Path,
    *,
    is_git: bool,
    outputs: dict[str, bytes],
    generated: set[str],
    stored: StoredContext | None,
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Copy the repository into `stage`: (baseline of the paths the template touches, kept)."""
    # Only the paths the template touches are compared: a big repository stays on disk.
    relevant = {*outputs, *generated, *(stored.user_owned if stored else [])}
    linked = links.check_paths(root, OWN_FILES, keepable=relevant)
    listed = staging.source_files(root, is_git=is_git)
    # Template outputs, scaffold's own files and link targets that git ignores are still needed.
    extra = [p for p in [*outputs, *STATE_FILES] if (root / p).is_file()]
    staging.build_stage(root, stage, [*listed, *extra, *links.link_targets(root, linked)])
    baseline = staging.read_files(stage, relevant)
    kept = user_owned(outputs, baseline, generated, stored)
    kept.update(dict.fromkeys(sorted(linked & set(outputs)), links.KEPT_LINK))
    return baseline, kept


def _open_history(
    root: Path, work: Path, deps: InitDeps, previous: dict[str, Any] | None
) -> tuple[TemplateHistory, str, str | None]:
    """The project's template history plus this tool's template: (history, new tag, old tag)."""
    from scaffolder.init import render

    history = TemplateHistory(work / "history")
    bundle = root / BUNDLE_FILE
    if bundle.is_file():
        history.load_bundle(bundle)
    tag = history.ensure_version(deps.template or render.template_dir(), deps.version)
    # No `_commit` (answers written by hand): a first render that uses those answers.
    commit = (previous or {}).get("_commit")
    old_ref = str(commit) if commit is not None else None
    if old_ref is not None and not history.has(old_ref):
        raise InputError(
            f"Template version {old_ref} (from .scaffold/answers.yml) is not in {BUNDLE_FILE}.",
            hint="Restore .scaffold/template.bundle from git history.",
        )
    return history, tag, old_ref


def _old_data(stored: StoredContext | None, data: dict[str, Any]) -> dict[str, Any]:
    """What the last render used besides the answers."""
    if stored is None:
        return {"ctx": data["ctx"], "scaffold_version": data["scaffold_version"]}
    return {"ctx": stored.ctx, "scaffold_version": stored.scaffold_version}


def _recover(root: Path, pretend: bool) -> list[str]:
    """Roll back a killed run first (its files would look like the user's changes)."""
    if not pretend:
        recovered = recover(root)
        return [recovered] if recovered else []
    if pending(root):
        raise GitStateError(
            "An interrupted scaffold init left its changes half-written; --pretend cannot "
            "show a plan on top of them.",
            hint="Run scaffold init without --pretend: it rolls them back first, then runs.",
        )
    return []


def _check_git(root: Path, allow_dirty: bool) -> bool:
    """True in a git working tree; refuses a dirty one unless allowed."""
    if not is_work_tree(root):
        return False
    if status_lines(root) and not allow_dirty:
        raise GitStateError(
            "The working tree has uncommitted changes; scaffold would mix its changes with yours.",
        )
    return True


def _data(answers: InitAnswers, context: InitContext, version: str) -> dict[str, Any]:
    """The Copier data: the answers, `ctx` and `scaffold_version` (docs/init.md)."""
    return {
        **answers.model_dump(mode="json"),
        "ctx": with_template_decisions(context).model_dump(mode="json"),
        "scaffold_version": version,
    }


def _result(
    *,
    old_ref: str | None,
    tag: str,
    options: InitOptions,
    answers: InitAnswers,
    context: InitContext,
    changes: list[staging.Change],
    kept: dict[str, str],
    warnings: list[str],
) -> InitResult:
    return InitResult(
        mode="copy" if old_ref is None else "update",
        pretend=options.pretend,
        template_version=tag,
        previous_template_version=old_ref,
        answers=answers,
        context=context,
        created=[c.path for c in changes if c.kind == "A"],
        updated=[c.path for c in changes if c.kind == "M"],
        deleted=[c.path for c in changes if c.kind == "D"],
        kept={**kept, **context.skipped},
        warnings=warnings,
    )
