"""Lockfiles out of step with package.json: what each package manager's frozen install checks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffolder.inspect import inspect_repository
from scaffolder.inspect.npm_semver import satisfies
from scaffolder.models import LockfileDrift, PackageManager, RepoFacts, WarningKind
from tests.inspect.conftest import write
from tests.support.prototypes import fixture_names, materialize

REPO = Path(__file__).resolve().parents[2]

DRIFTING = {"lovable-bun-npm-drift", "pnpm-workspace-drift"}


def _pkg(deps: dict[str, str] | None = None, **extra: object) -> str:
    return json.dumps({"name": "app", "version": "1.0.0", "dependencies": deps or {}, **extra})


def _npm_lock(root_deps: dict[str, str], nodes: dict[str, str], **more: object) -> str:
    packages: dict[str, object] = {
        "": {"name": "app", "version": "1.0.0", "dependencies": root_deps}
    }
    packages.update({f"node_modules/{n}": {"version": v} for n, v in nodes.items()})
    packages.update(more)
    return json.dumps({"name": "app", "lockfileVersion": 3, "requires": True, "packages": packages})


def _drift(root: Path) -> tuple[list[LockfileDrift], RepoFacts]:
    facts = inspect_repository(root, scan_history=False)
    return facts.lockfile_drift, facts


# ------------------------------------------------------------------ the fixtures


def test_lovable_app_with_a_stale_package_lock_beside_bun_lockb(
    fixture_facts: Callable[[str], RepoFacts],
) -> None:
    facts = fixture_facts("lovable-bun-npm-drift")
    (drift,) = facts.lockfile_drift  # bun.lockb is binary: skipped, no finding, no warning
    assert drift.lockfile == "package-lock.json" and drift.manifest == "package.json"
    assert drift.package_manager is PackageManager.NPM
    assert drift.missing == ["@hookform/resolvers ^3.9.0", "react-hook-form ^7.53.0", "zod ^3.23.8"]
    assert drift.changed == [
        "@tanstack/react-query ^5.59.0 in package.json, ^5.56.2 in package-lock.json"
    ]
    assert (drift.frozen_install, drift.fix_command) == ("npm ci", "npm install")
    assert drift.first_error.startswith("npm error `npm ci` can only install packages when")
    assert drift.error_detail == "Missing: @hookform/resolvers@^3.9.0 from lock file"
    assert not [w for w in facts.warnings if w.path and "lock" in w.path]


def test_pnpm_workspace_member_out_of_sync(fixture_facts: Callable[[str], RepoFacts]) -> None:
    (drift,) = fixture_facts("pnpm-workspace-drift").lockfile_drift  # web and the root match
    assert (drift.lockfile, drift.manifest) == ("pnpm-lock.yaml", "apps/api/package.json")
    assert drift.missing == ["stripe ^16.12.0"]
    assert drift.changed == ["express ^4.21.0 in package.json, ^4.19.2 in pnpm-lock.yaml"]
    assert drift.fix_command == "pnpm install"
    assert drift.frozen_install == "pnpm install --frozen-lockfile"
    assert drift.first_error == (
        'ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because '
        "pnpm-lock.yaml is not up to date with <ROOT>/apps/api/package.json"
    )


@pytest.mark.parametrize("name", sorted(set(fixture_names()) - DRIFTING))
def test_no_other_fixture_has_a_drifting_lockfile(
    name: str, fixture_facts: Callable[[str], RepoFacts]
) -> None:
    facts = fixture_facts(name)
    assert facts.lockfile_drift == []
    assert not [w for w in facts.warnings if "lockfile" in w.message]


# ------------------------------------------------------------------ npm


def test_npm_keeps_a_locked_version_that_still_satisfies_an_edited_range(tmp_path: Path) -> None:
    # npm ci accepts this (the lockfile's copy says ^1.2.0, 1.3.0 is locked): no finding.
    write(
        tmp_path,
        {
            "package.json": _pkg({"left-pad": "^1.3.0"}),
            "package-lock.json": _npm_lock({"left-pad": "^1.2.0"}, {"left-pad": "1.3.0"}),
        },
    )
    assert _drift(tmp_path)[0] == []


def test_npm_range_the_locked_version_no_longer_satisfies(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": _pkg({"left-pad": "^2.0.0"}),
            "package-lock.json": _npm_lock({"left-pad": "^1.2.0"}, {"left-pad": "1.3.0"}),
        },
    )
    (drift,) = _drift(tmp_path)[0]
    assert drift.changed == ["left-pad ^2.0.0 in package.json, ^1.2.0 in package-lock.json"]
    assert (
        drift.error_detail == "Invalid: lock file's left-pad@1.3.0 does not satisfy left-pad@^2.0.0"
    )


def test_npm_lockfile_v1(tmp_path: Path) -> None:
    lock = {
        "name": "app",
        "lockfileVersion": 1,
        "requires": True,
        "dependencies": {"express": {"version": "4.18.2"}, "cors": {"version": "2.8.5"}},
    }
    pkg = {"express": "^4.19.0", "cors": "^2.8.5", "zod": "^3.0.0"}
    write(tmp_path, {"package.json": _pkg(pkg), "package-lock.json": json.dumps(lock)})
    (drift,) = _drift(tmp_path)[0]
    assert drift.missing == ["zod ^3.0.0"]
    assert drift.changed == ["express ^4.19.0 in package.json, 4.18.2 in package-lock.json"]


def test_npm_workspace_member_is_checked_against_the_root_lockfile(tmp_path: Path) -> None:
    member = {"name": "@acme/api", "version": "0.1.0", "dependencies": {"express": "^4.19.2"}}
    lock = _npm_lock(
        {},
        {"express": "4.19.2"},
        **{
            "packages/api": {"name": "@acme/api", "dependencies": {"express": "^4.19.2"}},
            "node_modules/@acme/api": {"resolved": "packages/api", "link": True},
        },
    )
    write(
        tmp_path,
        {
            "package.json": _pkg(workspaces=["packages/*"]),
            "package-lock.json": lock,
            "packages/api/package.json": json.dumps(member),
            "packages/web/package.json": json.dumps({"name": "@acme/web", "version": "0.1.0"}),
        },
    )
    (drift,) = _drift(tmp_path)[0]  # packages/web is a member the lockfile has never seen
    assert drift.manifest == "packages/web/package.json"
    assert drift.missing == ["the workspace package packages/web itself"]


def test_a_nested_project_outside_the_workspace_is_not_the_root_lockfiles(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": _pkg({"left-pad": "^1.3.0"}),
            "package-lock.json": _npm_lock({"left-pad": "^1.3.0"}, {"left-pad": "1.3.0"}),
            "scripts/seed/package.json": _pkg({"pg": "^8.12.0"}),  # no lockfile of its own
        },
    )
    assert _drift(tmp_path)[0] == []


def test_a_malformed_lockfile_is_a_warning_not_a_finding(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": _pkg({"a": "^1.0.0"}), "package-lock.json": "{not json"})
    drift, facts = _drift(tmp_path)
    assert drift == []
    (warning,) = [w for w in facts.warnings if w.path == "package-lock.json"]
    assert warning.kind is WarningKind.MALFORMED and "not compared" in warning.message


# ------------------------------------------------------------------ pnpm, yarn, bun

_PNPM_V6 = """lockfileVersion: '6.0'

dependencies:
  express:
    specifier: ^4.19.2
    version: 4.19.2

devDependencies:
  vitest:
    specifier: ^1.6.0
    version: 1.6.0

packages:

  /express@4.19.2:
    resolution: {integrity: sha512-x}
    dependencies:
      accepts: 1.3.8
"""

_PNPM_V5 = """lockfileVersion: 5.4

specifiers:
  express: ^4.19.2
  vitest: ^1.6.0

dependencies:
  express: 4.19.2

devDependencies:
  vitest: 1.6.0
"""


@pytest.mark.parametrize("lock", [_PNPM_V6, _PNPM_V5], ids=["v6", "v5"])
def test_pnpm_single_project_lockfiles_before_v9(tmp_path: Path, lock: str) -> None:
    dev = {"vitest": "^1.6.0"}
    write(tmp_path, {"package.json": _pkg({"express": "^4.19.2"}, devDependencies=dev)})
    write(tmp_path, {"pnpm-lock.yaml": lock})
    assert _drift(tmp_path)[0] == []
    write(tmp_path, {"package.json": _pkg({"express": "^4.19.2"})})  # vitest removed
    (drift,) = _drift(tmp_path)[0]
    assert drift.extra == ["vitest ^1.6.0"] and not drift.missing and not drift.changed


_YARN_V1 = """# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@sveltejs/kit@^2.5.18", "@sveltejs/kit@^2.5.0":
  version "2.5.18"

express@^4.19.2:
  version "4.19.2"
  dependencies:
    accepts "~1.3.8"
"""

_YARN_BERRY = """# This file is generated by running "yarn install" inside your project.

__metadata:
  version: 8
  cacheKey: 10c0

"@sveltejs/kit@npm:^2.5.0, @sveltejs/kit@npm:^2.5.18":
  version: 2.5.18
  resolution: "@sveltejs/kit@npm:2.5.18"
  languageName: node
  linkType: hard

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  languageName: unknown
  linkType: soft

"express@npm:^4.19.2":
  version: 4.19.2
  resolution: "express@npm:4.19.2"
  languageName: node
  linkType: hard
"""


@pytest.mark.parametrize(
    ("lock", "error"),
    [(_YARN_V1, "--frozen-lockfile"), (_YARN_BERRY, "YN0028")],
    ids=["classic", "berry"],
)
def test_yarn_lockfile_keys(tmp_path: Path, lock: str, error: str) -> None:
    deps = {"express": "^4.19.2", "@sveltejs/kit": "^2.5.18", "local": "file:../local"}
    write(tmp_path, {"package.json": _pkg(deps), "yarn.lock": lock})
    assert _drift(tmp_path)[0] == []
    deps.update({"express": "^4.21.0", "zod": "^3.23.8"})
    write(tmp_path, {"package.json": _pkg(deps)})
    (drift,) = _drift(tmp_path)[0]
    assert drift.missing == ["zod ^3.23.8"]
    assert drift.changed == ["express ^4.21.0 in package.json, ^4.19.2 in yarn.lock"]
    assert drift.fix_command == "yarn install" and error in drift.first_error


_BUN_LOCK = """{
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "app",
      "dependencies": {
        "hono": "^4.6.3",
      },
      "devDependencies": {
        "@types/bun": "latest",
      },
    },
  },
  "packages": {
    "hono": ["hono@4.6.3", "", {}, "sha512-x//y"],
  },
}
"""


def test_bun_text_lockfile_with_trailing_commas(tmp_path: Path) -> None:
    dev = {"@types/bun": "latest"}
    write(tmp_path, {"package.json": _pkg({"hono": "^4.6.3"}, devDependencies=dev)})
    write(tmp_path, {"bun.lock": _BUN_LOCK})
    assert _drift(tmp_path)[0] == []
    write(tmp_path, {"package.json": _pkg({"hono": "^4.6.3", "zod": "^3.23.8"})})
    (drift,) = _drift(tmp_path)[0]
    assert drift.missing == ["zod ^3.23.8"] and drift.extra == ["@types/bun latest"]
    assert (drift.frozen_install, drift.fix_command) == (
        "bun install --frozen-lockfile",
        "bun install",
    )


def test_the_fix_runs_in_the_lockfiles_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "web/package.json": _pkg({"left-pad": "^1.3.0", "zod": "^3.23.8"}),
            "web/package-lock.json": _npm_lock({"left-pad": "^1.3.0"}, {"left-pad": "1.3.0"}),
        },
    )
    (drift,) = _drift(tmp_path)[0]
    assert (drift.lockfile, drift.fix_command) == ("web/package-lock.json", "cd web && npm install")


# ------------------------------------------------------------------ npm semver


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ("4.19.2", "^4.18.2", True),
        ("4.18.2", "^4.19", False),
        ("0.2.0", "^0.1.0", False),
        ("0.0.2", "^0.0.1", False),
        ("1.2.9", "~1.2.3", True),
        ("1.3.0", "~1.2.3", False),
        ("2.0.0", "1.x || >=2.0.0 <2.1", True),
        ("1.5.0", "1.2.3 - 1.4", False),
        ("2.0.0-rc.1", "^1.0.0", False),
        ("1.2.4-beta.2", ">=1.2.4-beta.1", True),
        ("1.2.5-beta.2", ">=1.2.4-beta.1", False),  # a prerelease matches only its own tuple
        ("5.0.0", "latest", None),
        ("5.0.0", "github:owner/repo", None),
    ],
)
def test_npm_range_satisfaction(version: str, spec: str, expected: bool | None) -> None:
    assert satisfies(version, spec) is expected


# ------------------------------------------------------------------ npm itself agrees

_NPM = shutil.which("npm")


def _npm_ci_offline(repo: Path, cache: Path) -> int:
    # --offline with an empty cache: an in-sync lockfile installs (dry run) from the lockfile
    # alone; an out-of-sync one needs the registry (ENOTCACHED) or fails the sync check.
    return subprocess.run(
        ["npm", "ci", "--dry-run", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": str(Path(_NPM or "npm").parent),
            "HOME": str(cache),
            "npm_config_cache": str(cache),
        },
        check=False,
    ).returncode


@pytest.mark.skipif(_NPM is None, reason="npm is not installed")
@pytest.mark.parametrize(
    "name", ["lovable-bun-npm-drift", "lovable-vite-supabase", "nestjs-prisma-prod-docker"]
)
def test_the_in_sync_verdict_agrees_with_npm_ci(name: str, tmp_path: Path) -> None:
    repo = materialize(name, tmp_path / name, git=False)
    drift = inspect_repository(repo, scan_history=False).lockfile_drift
    in_sync = not [d for d in drift if d.lockfile == "package-lock.json"]
    assert in_sync is (name not in DRIFTING)  # the fixture is what it claims to be
    assert (_npm_ci_offline(repo, tmp_path / "cache") == 0) is in_sync


@pytest.mark.skipif(_NPM is None, reason="npm is not installed")
def test_npm_ci_accepts_an_edited_range_the_locked_version_satisfies(tmp_path: Path) -> None:
    lock = json.loads(_npm_lock({"left-pad": "^1.2.0"}, {}))
    lock["packages"]["node_modules/left-pad"] = {
        "version": "1.3.0",
        "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
    }
    write(tmp_path / "app", {"package.json": _pkg({"left-pad": "^1.3.0"})})
    write(tmp_path / "app", {"package-lock.json": json.dumps(lock)})
    assert _drift(tmp_path / "app")[0] == []
    assert _npm_ci_offline(tmp_path / "app", tmp_path / "cache") == 0


_PNPM_V9 = """lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    dependencies:
      '@supabase/supabase-js':
        specifier: ^2.45.0
        version: 2.45.4
      next:
        specifier: 15.1.0
        version: 15.1.0(react@19.0.0)
      'yes':
        specifier: 1.10.0
        version: 1.10.0
    devDependencies:
      typescript:
        specifier: ~5.6.2
        version: 5.6.3

packages:

  next@15.1.0:
    resolution: {integrity: sha512-abc}
"""


def test_a_pnpm_lockfile_is_read_in_c_as_ruamel_reads_it_without_loading_ruamel() -> None:
    # libyaml reads the importers (~1 ms); ruamel.yaml's pure-Python reader took ~20 ms
    # on a v0 prototype's lockfile, plus its import. The answer must not change.
    code = (
        "import sys, json\n"
        "from scaffolder.inspect.lockfile_formats import pnpm_importers\n"
        f"print(json.dumps(pnpm_importers({_PNPM_V9!r})), 'ruamel' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    answer, loaded_ruamel = done.stdout.rsplit(" ", 1)
    assert loaded_ruamel.strip() == "False"
    version, importers = json.loads(answer)
    assert version == "9.0"
    assert importers == {
        ".": {
            "@supabase/supabase-js": "^2.45.0",
            "next": "15.1.0",
            "yes": "1.10.0",  # YAML 1.1 would read the key `yes` as True
            "typescript": "~5.6.2",
        }
    }
    from ruamel.yaml import YAML

    from scaffolder.inspect.lockfile_formats import _PNPM_TOP, _top_sections

    ruamel = YAML(typ="safe").load(_top_sections(_PNPM_V9, _PNPM_TOP))
    assert list(ruamel["importers"]["."]["dependencies"]) == [
        "@supabase/supabase-js",
        "next",
        "yes",
    ]
