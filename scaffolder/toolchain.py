"""The JavaScript toolchain table: package manager -> how to install, prune and run tools.

One table used by inspect (the exec prefix of default commands), init (the typed
`NodeToolchain` of each app) and, through those typed fields, the templates, so no
template branches on the package manager name.

Where the package manager's version comes from, first match wins:

1. `packageManager` in package.json (`"pnpm@10.4.1"`, corepack's field), exact only;
2. `engines.<manager>` in package.json when it names an exact version;
3. scaffold's pin (`PINS`), for the managers Node does not bundle (pnpm, bun);
4. the one bundled with the pinned Node image (npm; yarn 1 ships in the official images).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scaffolder.models import PackageManager

if TYPE_CHECKING:
    from scaffolder.models import NodeToolchain  # a pydantic model: init's, not the audit's

# Versions scaffold installs when the repository names none (update here only).
PINS: dict[PackageManager, str] = {PackageManager.PNPM: "9.15.0", PackageManager.BUN: "1.2.9"}

_EXACT = re.compile(r"^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$")


@dataclass(frozen=True)
class ToolchainRow:
    """One package manager's commands."""

    frozen_install: str
    production_flag: str  # appended to frozen_install for a production-only install
    prune: str | None  # drops devDependencies after a build; None: the manager has none
    exec_prefix: str  # runs a binary installed in node_modules
    manifests: tuple[str, ...]  # what a Dockerfile copies before the install


TABLE: dict[PackageManager, ToolchainRow] = {
    PackageManager.NPM: ToolchainRow(
        "npm ci",
        " --omit=dev",
        "npm prune --omit=dev",
        "npx",
        ("package.json", "package-lock.json*", "npm-shrinkwrap.json*"),
    ),
    PackageManager.PNPM: ToolchainRow(
        "pnpm install --frozen-lockfile",
        " --prod",
        "pnpm prune --prod",
        "pnpm exec",
        ("package.json", "pnpm-lock.yaml*"),
    ),
    PackageManager.YARN: ToolchainRow(
        "yarn install --frozen-lockfile --non-interactive",
        " --production=true",
        None,
        "yarn",
        ("package.json", "yarn.lock*"),
    ),
    PackageManager.BUN: ToolchainRow(
        "bun install --frozen-lockfile",
        " --production",
        None,
        "bunx",
        ("package.json", "bun.lock*", "bun.lockb*"),
    ),
}
# Yarn 2+ ("berry") keeps its release and settings (.yarnrc.yml, .yarn/) in the repository.
_BERRY = ToolchainRow("yarn install --immutable", "", None, "yarn", (".",))
# No lockfile: nothing to be frozen to (the audit asks for one).
_NPM_UNLOCKED = ToolchainRow(
    "npm install --no-audit --no-fund",
    " --omit=dev",
    "npm prune --omit=dev",
    "npx",
    ("package.json",),
)


def exec_prefix(pm: PackageManager | None) -> str:
    """How to run a binary the app's package manager installed (npx, pnpm exec, ...)."""
    return TABLE[pm].exec_prefix if pm in TABLE else ""


def declared_version(
    pm: PackageManager, package_manager_field: str | None, engines: dict[str, str]
) -> tuple[str | None, str | None]:
    """(exact version, where it was read) from package.json's packageManager or engines."""
    if package_manager_field and package_manager_field.startswith(pm.value + "@"):
        version = package_manager_field.split("@", 1)[1].split("+", 1)[0]
        if match := _EXACT.match(version):
            return match.group(1), "packageManager"
    engine = (engines.get(pm.value) or "").strip()
    if match := _EXACT.match(engine):
        return match.group(1), "engines"
    return None, None


def is_berry(version: str | None, has_yarnrc_yml: bool) -> bool:
    """Yarn 2+: a .yarnrc.yml in the repository, or a declared major of 2 or more."""
    return has_yarnrc_yml or (version is not None and int(version.split(".")[0]) >= 2)


def node_toolchain(
    pm: PackageManager,
    *,
    locked: bool,
    berry: bool = False,
    version: str | None = None,
    version_source: str | None = None,
) -> NodeToolchain:
    """The typed toolchain of one Node app (see the module docstring for the version order)."""
    from scaffolder.models import NodeToolchain

    row = TABLE[pm]
    if pm is PackageManager.YARN and berry:
        row = _BERRY
    elif pm is PackageManager.NPM and not locked:
        row = _NPM_UNLOCKED
    if version is None and pm in PINS:
        version, version_source = PINS[pm], "scaffold's pin"
    setup = _setup_command(pm, version, berry)
    return NodeToolchain(
        package_manager=pm,
        version=version,
        version_source=version_source or "bundled with Node",
        setup_command=setup,
        manifests=list(row.manifests),
        install=row.frozen_install,
        production_install=row.frozen_install + row.production_flag,
        prune=row.prune,
        exec_prefix=row.exec_prefix,
        locked=locked,
    )


def _setup_command(pm: PackageManager, version: str | None, berry: bool) -> str | None:
    """Installs exactly `version` for every user (the image runs the app unprivileged).

    pnpm, bun and a declared npm come from the npm registry with npm itself rather than
    through corepack: the corepack bundled with Node 18-20 cannot verify releases signed
    after npm's 2025 key rotation. Yarn 2+ needs corepack (its shim reads packageManager).
    """
    if pm is PackageManager.YARN:
        if not berry and version is None:
            return None  # yarn 1 ships in the official Node images and on GitHub's runners
        return "corepack enable" + (
            f" && corepack prepare yarn@{version} --activate" if version else ""
        )
    if version is None:
        return None  # npm bundled with Node
    return f"npm install --global {pm.value}@{version}"


def from_template_fields(pm: PackageManager | None, install_command: str) -> NodeToolchain:
    """The toolchain implied by an install command alone (hand-built contexts, old context.json)."""
    manager = pm or PackageManager.NPM
    return node_toolchain(
        manager,
        locked=not install_command.startswith("npm install"),
        berry=manager is PackageManager.YARN and "--immutable" in install_command,
    )


# The Python package managers the image and CI install when an app uses one (update here
# only; the Dockerfile and the CI setup step read TemplateApp.python_tool_version).
PYTHON_TOOL_PINS: dict[PackageManager, str] = {
    PackageManager.UV: "0.5.11",
    PackageManager.POETRY: "1.8.5",
    PackageManager.PIPENV: "2024.4.0",
}
# CI installs development dependencies too: the tests and linters live there.
_PYTHON_CI_INSTALL: dict[PackageManager, str] = {
    PackageManager.UV: "uv sync --frozen",
    PackageManager.POETRY: "poetry install --no-interaction --no-root",
    PackageManager.PIPENV: "pipenv install --deploy --dev",
}


@dataclass(frozen=True)
class CiToolchain:
    """What the app's CI job runs before its lint, test and build steps."""

    setup_command: str | None  # installs the package manager (after setup-node/python)
    install_command: str  # every dependency, development ones included
    python_tool_version: str | None = None  # uv, poetry or pipenv: the pinned version


def ci_toolchain(
    pm: PackageManager | None, install_command: str, toolchain: NodeToolchain | None
) -> CiToolchain:
    """The CI job's setup and install commands for an app (ci.yml, `scaffold smoke --ci`)."""
    if toolchain is not None:
        return CiToolchain(toolchain.setup_command, install_command)
    if pm in PYTHON_TOOL_PINS:
        version = PYTHON_TOOL_PINS[pm]
        setup = f'pipx install "{pm.value}=={version}"'
        return CiToolchain(setup, _PYTHON_CI_INSTALL[pm], version)
    return CiToolchain(None, install_command)
