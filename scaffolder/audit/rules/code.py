"""Code rules: tests, reproducible installs and pinned runtimes."""

from __future__ import annotations

from collections.abc import Iterator

from scaffolder.audit.rules.base import (
    AuditContext,
    Hit,
    Stage,
    app_label,
    apps_hit,
    in_app,
    joined,
    rule,
    unique_evidence,
)
from scaffolder.models import Dimension, Evidence, Severity, WarningKind

CODE = Dimension.CODE

# Warnings another rule reports (SEC012) or that are expected (binary files are skipped).
_NOT_SCAN_PROBLEMS = {WarningKind.HISTORY_SKIPPED, WarningKind.NOT_GIT, WarningKind.BINARY}
_MAX_WARNING_EVIDENCE = 20


@rule(
    id="CODE001",
    dimension=CODE,
    severity=Severity.MEDIUM,
    title="No tests",
    why="Every change, including the ones an AI writes for you, reaches users unverified.",
    fix=(
        "Add tests for the paths that lose money or data when they break (sign-up, payments, "
        "writes); the CI that `scaffold init` writes runs them on every push."
    ),
    action="Add tests for sign-up, payments and every write path",
    stage=Stage.MANUAL,
)
def no_tests(ctx: AuditContext) -> Iterator[Hit]:
    facts = ctx.facts
    if facts.apps and facts.production.test_files <= 0 and not any(a.has_tests for a in facts.apps):
        yield Hit()


@rule(
    id="CODE002",
    dimension=CODE,
    severity=Severity.MEDIUM,
    title="No lockfile",
    why=(
        "Each install resolves versions afresh, so production can run dependencies you never "
        "tested."
    ),
    fix=(
        "Commit the lockfile your package manager writes (package-lock.json, pnpm-lock.yaml, "
        "uv.lock, poetry.lock) and install from it in CI and the image."
    ),
    action="Commit a lockfile for every app",
    stage=Stage.MANUAL,
)
def no_lockfile(ctx: AuditContext) -> Iterator[Hit]:
    missing = [a for a in ctx.facts.apps if not a.lockfiles]
    yield from apps_hit(missing, "No lockfile for")


@rule(
    id="CODE003",
    dimension=CODE,
    severity=Severity.MEDIUM,
    title="Conflicting lockfiles",
    why=(
        "Two package managers resolve different versions, so your laptop, CI and the image can "
        "each install something different."
    ),
    fix=(
        "Pick one package manager, delete the other lockfile, and declare the choice "
        "(`packageManager` in package.json)."
    ),
    action="Keep one package manager's lockfile and delete the other",
    stage=Stage.MANUAL,
)
def conflicting_lockfiles(ctx: AuditContext) -> Iterator[Hit]:
    for app in ctx.facts.apps:
        if app.lockfile_conflict:
            yield Hit(
                evidence=tuple(Evidence(path=p) for p in app.lockfiles if p),
                title=f"Conflicting lockfiles in {app_label(app)}: {joined(app.lockfiles)}",
            )


@rule(
    id="CODE004",
    dimension=CODE,
    severity=Severity.LOW,
    title="Runtime version not pinned",
    why=(
        "The build uses whatever Node or Python is current that day, and the next major version "
        "can break the build or the app."
    ),
    fix=(
        "Pin it in .nvmrc or engines.node (Node), .python-version or requires-python (Python); "
        "the image `scaffold init` writes follows the pin."
    ),
    action="Pin the Node or Python version (.nvmrc, .python-version)",
    stage=Stage.MANUAL,
)
def runtime_not_pinned(ctx: AuditContext) -> Iterator[Hit]:
    unpinned = [a for a in ctx.facts.apps if not a.runtime_version]
    yield from apps_hit(unpinned, "Runtime version not pinned for")


@rule(
    id="CODE005",
    dimension=CODE,
    severity=Severity.MEDIUM,
    title="node_modules committed",
    why=(
        "Committed dependencies are built for one machine's OS, bloat every clone and hide "
        "which versions really run."
    ),
    fix=(
        "Run `git rm -r --cached node_modules`, add it to .gitignore, and install from the "
        "lockfile."
    ),
    action="Untrack node_modules and add it to .gitignore",
    stage=Stage.MANUAL,
)
def node_modules_committed(ctx: AuditContext) -> Iterator[Hit]:
    paths = [p for p in dict.fromkeys(ctx.facts.node_modules_committed) if p]
    if paths:
        yield Hit(evidence=tuple(Evidence(path=p) for p in paths))


@rule(
    id="CODE006",
    dimension=CODE,
    severity=Severity.INFO,
    title="The scan was incomplete",
    why=(
        "A problem in a file the scan could not read goes unreported, so this report may be "
        "incomplete."
    ),
    fix=(
        "Check the listed files: fix their encoding or size, or ignore them if they are not source."
    ),
    action="Check the files and detectors the scan could not complete",
    stage=Stage.MANUAL,
)
def scan_warnings(ctx: AuditContext) -> Iterator[Hit]:
    problems = [w for w in ctx.facts.warnings if w.kind not in _NOT_SCAN_PROBLEMS]
    if problems:
        evidence = [
            Evidence(path=w.path or ".", snippet=f"{w.kind}: {w.message}"[:200])
            for w in problems[:_MAX_WARNING_EVIDENCE]
        ]
        yield Hit(
            evidence=unique_evidence(evidence),
            title=f"The scan was incomplete: {len(problems)} problem(s) reading the repository",
        )


_LISTED = 4


def _drift_summary(missing: list[str], changed: list[str], extra: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"missing from the lockfile: {joined(missing, _LISTED)}")
    if changed:
        parts.append("; ".join(changed[:_LISTED]) + ("; ..." if len(changed) > _LISTED else ""))
    if extra:
        parts.append(f"in the lockfile, no longer in package.json: {joined(extra, _LISTED)}")
    return "; ".join(parts)


@rule(
    id="CODE007",
    dimension=CODE,
    severity=Severity.HIGH,
    title="Lockfile out of sync with package.json",
    why=(
        "CI and the image build install with the frozen lockfile (`npm ci`, `pnpm install "
        "--frozen-lockfile`, `yarn install --immutable`, `bun install --frozen-lockfile`), "
        "which refuses a lockfile that no longer matches package.json, so the build fails and "
        "nothing deploys."
    ),
    fix=(
        "Run the install the finding names in the lockfile's folder, commit the updated "
        "lockfile, and delete the lockfiles of package managers you do not use."
    ),
    action="Regenerate the stale lockfile with your package manager's install and commit it",
    stage=Stage.MANUAL,
)
def lockfile_out_of_sync(ctx: AuditContext) -> Iterator[Hit]:
    for drift in ctx.facts.lockfile_drift:
        first = f"`{drift.frozen_install}` fails: {drift.first_error}"
        if drift.error_detail:
            first = f"{first} {drift.error_detail}"
        yield Hit(
            evidence=(
                Evidence(path=drift.lockfile, snippet=first[:400]),
                Evidence(
                    path=drift.manifest,
                    snippet=_drift_summary(drift.missing, drift.changed, drift.extra)[:400],
                ),
            ),
            title=(
                f"{drift.lockfile} is out of sync with {drift.manifest}: "
                f"`{drift.frozen_install}` fails; run `{drift.fix_command}` and commit it"
            ),
        )


@rule(
    id="CODE008",
    dimension=CODE,
    severity=Severity.HIGH,
    title="Server values read at build time",
    why=(
        "SvelteKit inlines what `$env/static/private` exports into the server bundle when it "
        "builds: the image build has no secrets, so the build fails and nothing deploys, and "
        "a build that had them would bake each secret into the image and need a rebuild to "
        "change it."
    ),
    fix=(
        "Read them when the server runs: `import { env } from '$env/dynamic/private'` and use "
        "`env.NAME` (add `?? ''` or a check where the type must be a string)."
    ),
    action="Read server values from $env/dynamic/private, not $env/static/private",
    stage=Stage.MANUAL,
)
def read_at_build(ctx: AuditContext) -> Iterator[Hit]:
    names = [v for v in ctx.facts.env_vars if v.read_at_build]
    if names:
        yield Hit(
            evidence=tuple(e for v in names for e in v.read_at_build),
            title=(
                "Server values read at build time ($env/static/private): "
                + ", ".join(v.name for v in names)
            ),
        )


@rule(
    id="CODE009",
    dimension=CODE,
    severity=Severity.HIGH,
    title="Python app declares no dependencies",
    why=(
        "With no requirements.txt, pyproject.toml or Pipfile, the image and CI have nothing to "
        "install (a bare `pip install` fails), so the app cannot be built, and would crash at "
        "its first third-party import if it were."
    ),
    fix=(
        "Add a requirements.txt next to the app naming the packages its code imports, with the "
        "versions you run (`pip freeze` where it works, trimmed to those), commit it and re-run "
        "`scaffold init`."
    ),
    action="Add a requirements.txt listing what the code imports",
    stage=Stage.MANUAL,
)
def undeclared_dependencies(ctx: AuditContext) -> Iterator[Hit]:
    for app in ctx.facts.apps:
        if not app.undeclared_dependencies:
            continue
        names = ", ".join(app.undeclared_dependencies[:20])
        path = in_app(app, "requirements.txt")
        yield Hit(
            evidence=(Evidence(path=app.root or ".", snippet=f"imports {names}"),),
            title=f"{app_label(app)} declares no dependencies: add {path} ({names})",
        )


@rule(
    id="CODE010",
    dimension=CODE,
    severity=Severity.HIGH,
    title="TypeScript config extends a package that is not installed",
    why=(
        "tsconfig.json extends a shared config from a package that neither package.json nor "
        "the lockfile has, so no install puts it in node_modules: the build in CI and in the "
        "image stops with `error TS6053: File '<package>/tsconfig.json' not found`, and "
        "nothing deploys."
    ),
    fix=(
        "Add the package to devDependencies with your package manager (`npm install -D "
        "<package>`, `pnpm add -D <package>`) and commit the lockfile, or remove the extends."
    ),
    action="Install the package your tsconfig extends, or drop the extends",
    stage=Stage.MANUAL,
)
def unresolved_extends(ctx: AuditContext) -> Iterator[Hit]:
    for app in ctx.facts.apps:
        if not app.unresolved_extends:
            continue
        specs = ", ".join(
            (e.snippet or "").removeprefix("extends ") for e in app.unresolved_extends
        )
        build = app.build_command or "the build"
        first = app.unresolved_extends[0].snippet or ""
        spec = first.removeprefix('extends "').removesuffix('"')
        yield Hit(
            evidence=tuple(app.unresolved_extends),
            title=(
                f"{app_label(app)} cannot build: its tsconfig extends {specs}, which is not "
                f"installed (`{build}` fails: error TS6053: File '{spec}' not found)"
            ),
        )
